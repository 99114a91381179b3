using System.Text.Json;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Storage.PostgreSql.Tests;

/// <summary>The real `triggers` executable with <c>TRIGGERS_STORE=postgres:...</c>.</summary>
[Trait("Category", TestCategory.Slow)]
[Collection(PostgreSqlTests.Name)]
public sealed class TriggersOnPostgreSqlTests(PostgreSqlServer server, EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), $"triggers-pg-cli-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    [Fact]
    public async Task A_second_host_on_the_same_database_knows_every_call_the_first_one_delivered()
    {
        var environment = new Dictionary<string, string>(emulator.Environment) { [DeliveryStores.EnvironmentVariable] = $"postgres:{await server.Cluster.CreateDatabaseAsync()}" };
        var prefix = $"pg{Guid.NewGuid():N}"[..10];
        var events = string.Join('\n', File.ReadAllLines(Path.Combine(TriggersProcess.SamplesDirectory, "events", "calls.ndjson")).Select(l => l.Replace("demo-", $"{prefix}-", StringComparison.Ordinal)));
        var ticketsBefore = emulator.Emulator.Store.Count("incidents");

        var first = await TriggersProcess.RunAsync(["run", "--config", "samples/config", "--data", Folder("host-a"), "--json"], environment, events);
        var ticketsAfterFirst = emulator.Emulator.Store.Count("incidents");
        var second = await TriggersProcess.RunAsync(["run", "--config", "samples/config", "--data", Folder("host-b"), "--json"], environment, events);
        var list = await TriggersProcess.RunAsync(["deliveries", "list", "--data", Folder("admin"), "--status", "succeeded"], environment);

        Assert.True(first.ExitCode == 0, first.All);
        Assert.True(second.ExitCode == 0, second.All);
        var delivered = Statuses(first.StandardOutput).ToList();
        Assert.True(delivered.Count > 0 && delivered.All(s => s == "created"), first.StandardOutput);
        Assert.True(ticketsAfterFirst > ticketsBefore);
        Assert.Equal(ticketsAfterFirst, emulator.Emulator.Store.Count("incidents"));
        Assert.Equal(Enumerable.Repeat("already-existed", delivered.Count), Statuses(second.StandardOutput));
        Assert.Equal(delivered.Count, list.StandardOutput.Split('\n').Count(l => l.Contains($"event={prefix}-", StringComparison.Ordinal)));
        Assert.All(new[] { "host-a", "host-b", "admin" }, f => Assert.False(File.Exists(Path.Combine(Folder(f), SqliteDeliveryStore.FileName)), $"{f} has a SQLite queue"));
    }

    [Theory]
    [InlineData("mysql:Server=db;Password=s3cret", "error: TRIGGERS_STORE: 'mysql:' is not a delivery store: use 'sqlite' (the default) or 'postgres:Host=<server>;Port=5432;Database=<name>;Username=<user>;Password=<password>'.")]
    [InlineData("postgres:Host=127.0.0.1;Port=1;Database=triggers;Password=s3cret;Timeout=5", "error: cannot open the PostgreSQL delivery store at 127.0.0.1:1/triggers: ")]
    public async Task A_store_that_cannot_be_used_is_one_line_and_exit_code_2_without_the_password(string setting, string expected)
    {
        var result = await TriggersProcess.RunAsync(["deliveries", "list", "--data", Folder("admin")], new Dictionary<string, string> { [DeliveryStores.EnvironmentVariable] = setting });

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.TrimEnd().Split('\n'));
        Assert.DoesNotContain("s3cret", result.All, StringComparison.Ordinal);
    }

    private string Folder(string name) => Path.Combine(_temp, name);

    private static IEnumerable<string> Statuses(string jsonLines) =>
        jsonLines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.TryGetProperty("delivery", out _)).Select(e => e.GetProperty("status").GetString()!);
}
