using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using TriggerPlugins.Benchmarks.Load;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Benchmarks.Queue;

/// <summary>
/// `queue`: the SQLite queue with many settled deliveries (1 million by default). Fills a fresh queue with realistic
/// succeeded deliveries, then measures what retention changes: the file's size with the call data and after the purge,
/// and the time `triggers run` spends on the queue at start (open and checks, retention pass, resume of pending).
/// </summary>
internal static class QueueSizeRunner
{
    private const int BatchSize = 20_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args is ["--deliveries", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 1_000_000;
        var data = Path.Combine(Path.GetTempPath(), $"triggers-queue-bench-{Guid.NewGuid():N}");
        try
        {
            var now = DateTimeOffset.UtcNow;
            var fill = Stopwatch.StartNew();
            using (var store = await SqliteDeliveryStore.OpenAsync(data))
            {
                await FillAsync(store.Path, count, now.AddDays(-60));
            }

            SqliteConnection.ClearAllPools();
            Console.WriteLine($"queue: {count:N0} succeeded deliveries written in {fill.Elapsed.TotalSeconds:F1} s ({Environment.ProcessorCount} cores)");
            var path = Path.Combine(data, SqliteDeliveryStore.FileName);
            Console.WriteLine($"size with call data: {Megabytes(path)} ({(double)FileSize(path) / count:F0} bytes per delivery)");

            await MeasureListsAsync(data);

            var (purgeStart, purged) = await StartAsync(data, now);
            Console.WriteLine($"first start after 30 days (retention purges {purged:N0}): {purgeStart.TotalSeconds:F2} s");
            Console.WriteLine($"size after the purge: {Megabytes(path)} (SQLite reuses the freed space; VACUUM would shrink the file)");

            var (start, again) = await StartAsync(data, now);
            Console.WriteLine($"a later start (open, checks, retention pass, resume): {start.TotalSeconds:F2} s ({again} purged)");
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    // The admin console's deliveries page: its 1,000 last changed deliveries, as the store returns them now, and as the
    // page did before (every matching delivery read, then sorted in memory).
    private static async Task MeasureListsAsync(string data)
    {
        SqliteConnection.ClearAllPools();
        using var store = await SqliteDeliveryStore.OpenAsync(data);
        foreach (var (name, list) in new (string, Func<Task<int>>)[]
        {
            ("1,000 last changed (ListRecentAsync)", async () => (await store.ListRecentAsync(DeliveryFilter.All, 1000, CancellationToken.None)).Count),
            ("dead letters of one account, last changed first", async () => (await store.ListRecentAsync(new DeliveryFilter { Status = DeliveryStatus.DeadLettered, Account = "contoso" }, 1000, CancellationToken.None)).Count),
            ("every delivery read, then sorted (before)", async () => (await store.ListMatchingAsync(DeliveryFilter.All, int.MaxValue, CancellationToken.None)).OrderByDescending(d => d.UpdatedAt).Take(1000).Count()),
        })
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var rows = await list();
            Console.WriteLine($"deliveries page, {name}: {rows} rows in {clock.Elapsed.TotalSeconds:F2} s, {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024.0 * 1024):F1} MiB allocated");
        }
    }

    // What `triggers run` does with the queue before reading the first event.
    private static async Task<(TimeSpan Elapsed, int Purged)> StartAsync(string data, DateTimeOffset now)
    {
        SqliteConnection.ClearAllPools();
        var clock = Stopwatch.StartNew();
        using var store = await SqliteDeliveryStore.OpenAsync(data);
        var purged = await store.PurgeSettledAsync(now - new DeliveryOptions().Retention, CancellationToken.None);
        await store.RecoverInFlightAsync(now, CancellationToken.None);
        await store.ListAsync(DeliveryStatus.Pending, int.MaxValue, CancellationToken.None);
        return (clock.Elapsed, purged);
    }

    // Rows as the store writes them (the load runner's call events, each succeeded with a ticket), in large transactions.
    private static async Task FillAsync(string path, int count, DateTimeOffset settledAt)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA secure_delete = ON;";
            await pragma.ExecuteNonQueryAsync();
        }

        var at = settledAt.ToUnixTimeMilliseconds();
        using var calls = Workload.Calls(new LoadOptions { Tickets = count, DistinctCallers = 50_000 }).GetEnumerator();
        for (var done = 0; done < count; done += BatchSize)
        {
            await using var transaction = connection.BeginTransaction();
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO deliveries (id, event_id, event_json, trigger_name, action_index, plugin, account, configuration, status,
                                        attempts, created_at, updated_at, next_attempt_at, window_start, external_id, number, url, notes, event_hash)
                VALUES ($id, $event_id, $event_json, 'inbound-answered', 0, 'dynamics365', 'contoso', 'default', 'succeeded',
                        1, $at, $at, $at, $at, $external_id, $number, $url, '[]', $hash)
                """;
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var eventId = insert.Parameters.Add("$event_id", SqliteType.Text);
            var json = insert.Parameters.Add("$event_json", SqliteType.Text);
            var externalId = insert.Parameters.Add("$external_id", SqliteType.Text);
            var number = insert.Parameters.Add("$number", SqliteType.Text);
            var url = insert.Parameters.Add("$url", SqliteType.Text);
            var hash = insert.Parameters.Add("$hash", SqliteType.Text);
            insert.Parameters.AddWithValue("$at", at);
            for (var i = done; i < Math.Min(count, done + BatchSize); i++)
            {
                calls.MoveNext();
                var call = calls.Current;
                var delivery = NewDelivery.For(new PlannedAction(DeliveryIds.Create(call.Id, "inbound-answered", 0), "inbound-answered", 0, new TriggerAction("dynamics365", "contoso", "default")), call);
                var ticket = Guid.NewGuid().ToString();
                (id.Value, eventId.Value, json.Value, hash.Value) = (delivery.Id, call.Id, delivery.EventJson, delivery.EventHash);
                (externalId.Value, number.Value, url.Value) = (ticket, $"CAS-{i:D7}-X1Y2Z3", $"https://contoso.crm4.dynamics.com/main.aspx?etn=incident&id={ticket}&pagetype=entityrecord");
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }

    private static long FileSize(string path) =>
        new FileInfo(path).Length + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0);

    private static string Megabytes(string path) => $"{FileSize(path) / (1024.0 * 1024.0):F0} MiB";
}
