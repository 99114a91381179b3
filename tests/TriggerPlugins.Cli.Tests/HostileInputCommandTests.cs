using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Cli.Tests;

/// <summary>What a careless admin types: refused at once, with one line that says what is wrong and how to fix it.</summary>
[Trait("Category", TestCategory.Slow)]
public sealed class HostileInputCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("list")]
    [InlineData("purge", "--before", "2020-01-01")]
    [InlineData("retry", "some-id")]
    [InlineData("discard", "some-id")]
    public async Task Deliveries_commands_never_create_a_queue_where_there_is_none(params string[] command)
    {
        var typo = Path.Combine(_folder.Path, "typo");

        var result = await TriggersProcess.RunAsync(["deliveries", .. command, "--data", typo]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: there is no delivery queue at '{Path.Combine(typo, "deliveries.db")}'; check --data (a queue is created by `triggers run`)", result.StandardError.Trim());
        Assert.False(Directory.Exists(typo));
    }

    [Fact]
    public async Task A_truncated_queue_is_refused_with_one_line_and_kept_until_the_admin_asks_to_replace_it()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder.Path, "data")).FullName;
        var database = Path.Combine(data, "deliveries.db");
        await File.WriteAllBytesAsync(database, []);

        var refused = await TriggersProcess.RunAsync(["run", "--config", "samples/config", "--data", data], EmulatorLikeEnvironment.Variables, standardInput: string.Empty);

        Assert.Equal(2, refused.ExitCode);
        Assert.Equal(
            $"error: the delivery queue '{database}' is empty (0 bytes: truncated?); it was left as it is, so nothing queued in it is lost. Restore it from a backup, or pass --replace-damaged-queue to move it aside and start an empty queue",
            refused.StandardError.Trim());
        Assert.Equal(0, new FileInfo(database).Length);

        var replaced = await TriggersProcess.RunAsync(["run", "--config", "samples/config", "--data", data, "--replace-damaged-queue"], EmulatorLikeEnvironment.Variables, standardInput: string.Empty);

        Assert.True(replaced.ExitCode == 0, replaced.All);
        Assert.Single(Directory.GetFiles(data, "deliveries.db.damaged-*"));
        Assert.True(new FileInfo(database).Length > 0);
    }

    [Fact]
    public async Task Render_refuses_a_number_in_an_enum_field_instead_of_crashing()
    {
        var file = Path.Combine(_folder.Path, "event.json");
        await File.WriteAllTextAsync(file, """{"id":"c1","kind":"call-end","direction":5,"status":"answered","startTime":"2025-03-14T09:30:00Z"}""");

        var result = await TriggersProcess.RunAsync(["render", "--config", "samples/config", "--configuration", "default", "--event", file], EmulatorLikeEnvironment.Variables);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: event.json: line 1, column 43: direction: found 5; expected one of: inbound, outbound", result.StandardError.Trim());
    }

    [Fact]
    public async Task A_purge_date_in_the_future_is_refused()
    {
        var result = await TriggersProcess.RunAsync(["deliveries", "purge", "--before", "2999-01-01", "--data", _folder.Path]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is in the future; give a past date.", result.StandardError, StringComparison.Ordinal);
    }
}
