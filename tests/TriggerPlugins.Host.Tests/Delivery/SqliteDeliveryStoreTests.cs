using Microsoft.Data.Sqlite;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Tests.TestDoubles;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Tests.Delivery;

public sealed class SqliteDeliveryStoreTests : IAsyncLifetime
{
    private readonly ConfigFolder _data = new();
    private SqliteDeliveryStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteDeliveryStore.OpenAsync(_data.Path);

    public Task DisposeAsync()
    {
        _store.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }

    internal static NewDelivery Delivery(string eventId = "call-1", string trigger = "inbound", int index = 0, string account = "contoso") =>
        NewDelivery.For(
            new PlannedAction(DeliveryIds.Create(eventId, trigger, index), trigger, index, new TriggerAction("dynamics365", account, "default")),
            Calls.Answered(eventId));

    // What every store does (enqueue, claim, settle, retry, discard, recover) is the shared contract suite, run on
    // SQLite and PostgreSQL alike: tests/TriggerPlugins.Storage.PostgreSql.Tests/DeliveryStoreContract.cs.
    [Fact]
    public async Task The_database_is_in_wal_mode()
    {
        await using var connection = new SqliteConnection($"Data Source={_store.Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", await command.ExecuteScalarAsync());
        Assert.Equal(SqliteDeliveryStore.FileName, Path.GetFileName(_store.Path));
    }
}
