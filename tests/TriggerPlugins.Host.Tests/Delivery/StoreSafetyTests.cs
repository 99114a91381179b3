using Microsoft.Data.Sqlite;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Tests.TestDoubles;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Tests.Delivery;

/// <summary>The queue under hostile input and storage faults: conflicts are reported, damage is refused, nothing is lost silently.</summary>
public sealed class StoreSafetyTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private readonly ConfigFolder _data = new();

    private string DatabasePath => Path.Combine(_data.Path, SqliteDeliveryStore.FileName);

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task The_same_id_with_different_content_is_a_conflict_and_changes_nothing()
    {
        using var store = await SqliteDeliveryStore.OpenAsync(_data.Path);
        var first = SqliteDeliveryStoreTests.Delivery("call-1");
        await store.EnqueueAsync(first, T0, default);
        var other = NewDelivery.For(
            new PlannedAction(first.Id, "inbound", 0, first.Action),
            Calls.Answered("call-1") with { CallerNumber = "+441632960961" });

        var again = await store.EnqueueAsync(other, T0.AddMinutes(1), default);

        Assert.True(again.Conflict);
        Assert.False(again.Created);
        Assert.Equal(first.EventJson, again.Record.EventJson);
        Assert.False((await store.EnqueueAsync(first, T0.AddMinutes(2), default)).Conflict);
    }

    [Fact]
    public async Task Variables_in_another_order_are_the_same_content()
    {
        var call = Calls.Answered("call-1") with { Variables = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } };
        var reordered = call with { Variables = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" } };

        Assert.Equal(EventHashes.Of(call), EventHashes.Of(reordered));
        Assert.NotEqual(EventHashes.Of(call), EventHashes.Of(call with { Queue = "sales" }));
    }

    [Fact]
    public async Task A_truncated_queue_is_refused_not_recreated_and_only_replaced_on_request()
    {
        using (var store = await SqliteDeliveryStore.OpenAsync(_data.Path))
        {
            await store.EnqueueAsync(SqliteDeliveryStoreTests.Delivery("call-1"), T0, default);
        }

        SqliteConnection.ClearAllPools();
        File.WriteAllBytes(DatabasePath, []);
        File.Delete(DatabasePath + "-wal");

        var refused = await Assert.ThrowsAsync<DeliveryStoreException>(() => SqliteDeliveryStore.OpenAsync(_data.Path));

        Assert.Equal(DeliveryStoreFault.Damaged, refused.Fault);
        Assert.Equal($"the delivery queue '{DatabasePath}' is empty (0 bytes: truncated?); it was left as it is, so nothing queued in it is lost. Restore it from a backup, or pass --replace-damaged-queue to move it aside and start an empty queue", refused.Message);
        Assert.Equal(0, new FileInfo(DatabasePath).Length);

        using var replaced = await SqliteDeliveryStore.OpenAsync(_data.Path, DeliveryStoreOpenMode.ReplaceDamaged);
        Assert.Empty(await replaced.ListAsync(null, 10, default));
        Assert.Single(Directory.GetFiles(_data.Path, SqliteDeliveryStore.FileName + ".damaged-*"), f => !f.EndsWith("-shm", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not a database at all, just text that happens to be long enough")]
    [InlineData(null)]
    public async Task A_file_that_is_not_a_healthy_queue_is_refused(string? content)
    {
        if (content is null)
        {
            // A real SQLite header followed by garbage pages: corrupted.
            using (var store = await SqliteDeliveryStore.OpenAsync(_data.Path))
            {
                await store.EnqueueAsync(SqliteDeliveryStoreTests.Delivery("call-1"), T0, default);
            }

            SqliteConnection.ClearAllPools();
            await using (var connection = new SqliteConnection($"Data Source={DatabasePath}"))
            {
                await connection.OpenAsync();
                await using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;";
                await checkpoint.ExecuteNonQueryAsync();
            }

            SqliteConnection.ClearAllPools();
            var bytes = File.ReadAllBytes(DatabasePath);
            Array.Fill(bytes, (byte)0xA5, 100, bytes.Length - 100);
            File.WriteAllBytes(DatabasePath, bytes);
        }
        else
        {
            File.WriteAllText(DatabasePath, content);
        }

        var before = File.ReadAllBytes(DatabasePath);

        var refused = await Assert.ThrowsAsync<DeliveryStoreException>(() => SqliteDeliveryStore.OpenAsync(_data.Path));

        Assert.Equal(DeliveryStoreFault.Damaged, refused.Fault);
        Assert.StartsWith($"the delivery queue '{DatabasePath}' is ", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(DatabasePath));
    }

    [Fact]
    public async Task Opening_a_missing_queue_for_reading_creates_nothing()
    {
        var missing = Path.Combine(_data.Path, "typo");

        var refused = await Assert.ThrowsAsync<DeliveryStoreException>(() => SqliteDeliveryStore.OpenAsync(missing, DeliveryStoreOpenMode.MustExist));

        Assert.Equal(DeliveryStoreFault.Missing, refused.Fault);
        Assert.Equal($"there is no delivery queue at '{Path.Combine(missing, SqliteDeliveryStore.FileName)}'; check --data (a queue is created by `triggers run`)", refused.Message);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task A_version_1_queue_is_migrated_and_keeps_its_deliveries()
    {
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                CREATE TABLE deliveries (id TEXT NOT NULL PRIMARY KEY, event_id TEXT NOT NULL, event_json TEXT NOT NULL, trigger_name TEXT NOT NULL,
                    action_index INTEGER NOT NULL, plugin TEXT NOT NULL, account TEXT NOT NULL, configuration TEXT NOT NULL, status TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
                    window_start INTEGER NOT NULL, last_error TEXT, external_id TEXT, number TEXT, url TEXT, notes TEXT);
                INSERT INTO deliveries VALUES ('{SqliteDeliveryStoreTests.Delivery("call-1").Id}', 'call-1', '{SqliteDeliveryStoreTests.Delivery("call-1").EventJson.Replace("'", "''", StringComparison.Ordinal)}', 'inbound', 0,
                    'dynamics365', 'contoso', 'default', 'succeeded', 1, 0, 0, 0, 0, NULL, 'ticket-1', 'CAS-1', NULL, NULL);
                PRAGMA user_version = 1;
                """;
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        using var store = await SqliteDeliveryStore.OpenAsync(_data.Path);

        var same = await store.EnqueueAsync(SqliteDeliveryStoreTests.Delivery("call-1"), T0, default);
        var different = await store.EnqueueAsync(SqliteDeliveryStoreTests.Delivery("call-1") with { EventHash = "other" }, T0, default);

        Assert.Equal(("CAS-1", false), (same.Record.Number, same.Conflict));
        Assert.True(different.Conflict);
    }

    [Fact]
    public async Task Purging_drops_call_data_of_old_successes_but_keeps_the_outcome_and_every_dead_letter()
    {
        using var store = await SqliteDeliveryStore.OpenAsync(_data.Path);
        var oldCall = NewDelivery.For(
            new PlannedAction(SqliteDeliveryStoreTests.Delivery("old").Id, "inbound", 0, SqliteDeliveryStoreTests.Delivery("old").Action),
            Calls.Answered("old") with { CallerName = "Zebedee Purgeable" });
        foreach (var id in new[] { "old", "new", "dead" })
        {
            await store.EnqueueAsync(id == "old" ? oldCall : SqliteDeliveryStoreTests.Delivery(id), T0, default);
            await store.TryClaimAsync(SqliteDeliveryStoreTests.Delivery(id).Id, T0, default);
        }

        await store.MarkSucceededAsync(SqliteDeliveryStoreTests.Delivery("old").Id, ActionOutcome.Success("ticket-old", "CAS-OLD", notes: ["caller Zebedee Purgeable"]), T0, default);
        await store.MarkSucceededAsync(SqliteDeliveryStoreTests.Delivery("new").Id, ActionOutcome.Success("ticket-new", "CAS-NEW"), T0.AddDays(40), default);
        await store.DeadLetterAsync(SqliteDeliveryStoreTests.Delivery("dead").Id, "invalid data for +390612345678", "dataverse.bad-request", T0, default);

        var purged = await store.PurgeSettledAsync(T0.AddDays(30), default);

        Assert.Equal(1, purged);
        var old = (await store.GetAsync(SqliteDeliveryStoreTests.Delivery("old").Id, default))!;
        Assert.True(old.Purged);
        Assert.Equal((string.Empty, "ticket-old", "CAS-OLD", "old"), (old.EventJson, old.ExternalId, old.Number, old.EventId));
        Assert.Empty(old.Notes);
        Assert.DoesNotContain("Zebedee", ReadFiles(), StringComparison.Ordinal);
        Assert.False((await store.GetAsync(SqliteDeliveryStoreTests.Delivery("new").Id, default))!.Purged);
        Assert.Equal(SqliteDeliveryStoreTests.Delivery("dead").EventJson, (await store.GetAsync(SqliteDeliveryStoreTests.Delivery("dead").Id, default))!.EventJson);

        var resent = await store.EnqueueAsync(oldCall, T0.AddDays(50), default);
        Assert.Equal((false, false, "CAS-OLD"), (resent.Created, resent.Conflict, resent.Record.Number));
    }

    [Fact]
    public async Task A_full_disk_stops_intake_with_one_line_and_keeps_what_is_queued()
    {
        using var store = await SqliteDeliveryStore.OpenAsync(_data.Path);
        await store.EnqueueAsync(SqliteDeliveryStoreTests.Delivery("queued"), T0, default);
        var pages = await PageCountAsync();

        // SQLite answers SQLITE_FULL exactly as for a full disk once the database may not grow.
        store.ConnectionPragmas = $"PRAGMA max_page_count = {pages};";
        var full = await Assert.ThrowsAsync<DeliveryStoreException>(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await store.EnqueueAsync(SqliteDeliveryStoreTests.Delivery($"more-{i}"), T0, default);
            }
        });

        Assert.Equal(DeliveryStoreFault.DiskFull, full.Fault);
        Assert.Equal($"the disk holding the delivery queue '{DatabasePath}' is full; intake stopped and what is queued is kept: free some space, then run again", full.Message);
        store.ConnectionPragmas = null;
        SqliteConnection.ClearAllPools();
        Assert.NotNull(await store.GetAsync(SqliteDeliveryStoreTests.Delivery("queued").Id, default));
    }

    [Fact]
    public async Task A_lock_held_by_another_process_is_one_line_naming_the_file()
    {
        using var store = await SqliteDeliveryStore.OpenAsync(_data.Path);
        store.LockTimeoutSeconds = 1;
        await using var other = new SqliteConnection($"Data Source={DatabasePath}");
        await other.OpenAsync();
        await using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        var locked = await Assert.ThrowsAsync<DeliveryStoreException>(() => store.EnqueueAsync(SqliteDeliveryStoreTests.Delivery("call-1"), T0, default));

        Assert.Equal(DeliveryStoreFault.Locked, locked.Fault);
        Assert.StartsWith($"the delivery queue '{DatabasePath}' is locked by another process", locked.Message, StringComparison.Ordinal);
    }

    private async Task<long> PageCountAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_count;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // The database and its write-ahead log, byte for byte: purged data must be gone from the files, not only from the rows.
    private string ReadFiles()
    {
        using var database = new FileStream(DatabasePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = new StreamReader(database, System.Text.Encoding.Latin1).ReadToEnd();
        if (File.Exists(DatabasePath + "-wal"))
        {
            using var wal = new FileStream(DatabasePath + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            text += new StreamReader(wal, System.Text.Encoding.Latin1).ReadToEnd();
        }

        return text;
    }
}
