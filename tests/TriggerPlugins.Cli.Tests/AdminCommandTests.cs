using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Cli.Tests;

/// <summary>`triggers admin add-user`: the first admin of the console, created from the server's shell.</summary>
[Trait("Category", TestCategory.Slow)]
public sealed class AdminCommandTests
{
    [Fact]
    public async Task Add_user_stores_a_hashed_password_and_a_second_run_changes_it()
    {
        using var temp = new TempFolder();
        var created = await TriggersProcess.RunAsync(["admin", "add-user", "--data", temp.Path, "--user", "alice", "--password-stdin"], standardInput: "correct horse battery\n");

        Assert.Equal(0, created.ExitCode);
        Assert.Contains("Admin 'alice' created", created.StandardOutput, StringComparison.Ordinal);
        var file = await File.ReadAllTextAsync(Path.Combine(temp.Path, "admin-users.json"));
        Assert.Contains("\"userName\": \"alice\"", file, StringComparison.Ordinal);
        Assert.DoesNotContain("correct horse battery", file, StringComparison.Ordinal);

        var changed = await TriggersProcess.RunAsync(["admin", "add-user", "--data", temp.Path, "--user", "alice", "--password-stdin"], standardInput: "another long password\n");
        Assert.Equal(0, changed.ExitCode);
        Assert.Contains("password changed", changed.StandardOutput, StringComparison.Ordinal);
        Assert.NotEqual(file, await File.ReadAllTextAsync(Path.Combine(temp.Path, "admin-users.json")));
    }

    [Theory]
    [InlineData("alice", "short", "error: the password is too short: use at least 12 characters.")]
    [InlineData("alice smith", "correct horse battery", "error: --user: user name 'alice smith' is not allowed")]
    public async Task Add_user_refuses_a_short_password_or_an_odd_name_with_one_line_and_writes_nothing(string user, string password, string message)
    {
        using var temp = new TempFolder();
        var result = await TriggersProcess.RunAsync(["admin", "add-user", "--data", temp.Path, "--user", user, "--password-stdin"], standardInput: password + "\n");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(message, result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Path, "admin-users.json")));
    }
}
