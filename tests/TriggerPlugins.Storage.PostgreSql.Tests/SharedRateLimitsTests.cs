using System.Diagnostics;
using Npgsql;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.RateLimits;

namespace TriggerPlugins.Storage.PostgreSql.Tests;

/// <summary>
/// The request budgets hosts share through the PostgreSQL queue: two store instances on one database stand for two
/// hosts (each with its own connection pool).
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class SharedRateLimitsTests(PostgreSqlServer server)
{
    [Fact]
    public async Task Two_hosts_taking_at_once_never_get_more_than_the_limit_in_a_window()
    {
        var connectionString = await server.Cluster.CreateDatabaseAsync();
        await using var first = await PostgreSqlDeliveryStore.OpenAsync(connectionString);
        await using var second = await PostgreSqlDeliveryStore.OpenAsync(connectionString);

        // A window far longer than the test: every permit granted is still counted at the end. 8 takers per host, each
        // taking blocks of 3 until refused, bounded by the count of takes.
        var window = TimeSpan.FromMinutes(10);
        const int limit = 200;
        var granted = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            var host = i % 2 == 0 ? first.RateLimits : second.RateLimits;
            var total = 0;
            for (var take = 0; take < 200; take++)
            {
                var permits = await host.TakeAsync("dynamics365 https://org.example 2b8f", 3, limit, window, default);
                if (permits.Granted == 0)
                {
                    Assert.Null(permits.ClosedFor);
                    // Until the oldest block leaves the window: at most its use-by time plus the window from now.
                    Assert.InRange(permits.RetryAfter, TimeSpan.FromTicks(1), window + SharedRateLimitRules.BlockLifetime(window));
                    break;
                }

                total += permits.Granted;
            }

            return (Host: i % 2, Total: total);
        })));

        Assert.Equal(limit, granted.Sum(g => g.Total));
        Assert.All(granted.GroupBy(g => g.Host), host => Assert.True(host.Sum(g => g.Total) > 0, "both hosts got permits"));
        Assert.Equal(limit, await ScalarAsync(connectionString, "SELECT (SELECT sum(n) FROM unnest(block_sizes) AS n)::integer FROM rate_budgets"));
    }

    [Fact]
    public async Task Permits_come_back_when_their_block_leaves_the_sliding_window()
    {
        var connectionString = await server.Cluster.CreateDatabaseAsync();
        await using var first = await PostgreSqlDeliveryStore.OpenAsync(connectionString);
        await using var second = await PostgreSqlDeliveryStore.OpenAsync(connectionString);
        var window = TimeSpan.FromSeconds(1); // blocks usable for 50 ms, counted for 1.05 s

        Assert.Equal(5, (await first.RateLimits.TakeAsync("user", 5, 8, window, default)).Granted);
        Assert.Equal(3, (await second.RateLimits.TakeAsync("user", 5, 8, window, default)).Granted);
        var clock = Stopwatch.StartNew();
        var full = await second.RateLimits.TakeAsync("user", 5, 8, window, default);
        Assert.Equal(0, full.Granted);
        Assert.InRange(full.RetryAfter, TimeSpan.FromMilliseconds(1), window + SharedRateLimitRules.BlockLifetime(window));

        // Asked again when told (bounded): the first block (5) has left the window, the second (3) may not have yet.
        RatePermits again;
        while ((again = await first.RateLimits.TakeAsync("user", 5, 8, window, default)).Granted == 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(again.RetryAfter);
        }

        Assert.Equal(5, again.Granted);
        Assert.True(clock.Elapsed >= full.RetryAfter - TimeSpan.FromMilliseconds(20), $"freed after {clock.Elapsed}, announced {full.RetryAfter}");
    }

    [Fact]
    public async Task A_close_by_one_host_is_seen_by_the_other_and_an_earlier_close_never_shortens_it()
    {
        var connectionString = await server.Cluster.CreateDatabaseAsync();
        await using var first = await PostgreSqlDeliveryStore.OpenAsync(connectionString);
        await using var second = await PostgreSqlDeliveryStore.OpenAsync(connectionString);
        var window = TimeSpan.FromMinutes(5);
        Assert.Equal(4, (await second.RateLimits.TakeAsync("user", 4, 100, window, default)).Granted);

        await first.RateLimits.CloseAsync("user", TimeSpan.FromMinutes(2), default);
        await second.RateLimits.CloseAsync("user", TimeSpan.FromSeconds(1), default);

        var closed = await second.RateLimits.TakeAsync("user", 4, 100, window, default);
        Assert.Equal(0, closed.Granted);
        Assert.NotNull(closed.ClosedFor);
        Assert.InRange(closed.ClosedFor.Value, TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2));
        Assert.Equal(closed.ClosedFor, closed.RetryAfter);
        Assert.Equal(4, (await second.RateLimits.TakeAsync("other user", 4, 100, window, default)).Granted);

        // A close that has passed leaves the key open again (its budget as it was).
        await first.RateLimits.CloseAsync("brief", TimeSpan.FromMilliseconds(100), default);
        var clock = Stopwatch.StartNew();
        RatePermits reopened;
        while ((reopened = await second.RateLimits.TakeAsync("brief", 4, 100, window, default)).ClosedFor is { } wait && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(wait);
        }

        Assert.Equal(4, reopened.Granted);
    }

    [Fact]
    public async Task An_unreachable_database_is_one_line_naming_the_server_never_the_password()
    {
        var connectionString = await server.Cluster.CreateDatabaseAsync();
        var store = await PostgreSqlDeliveryStore.OpenAsync(connectionString + ";Password=not-shown-anywhere;Timeout=2");
        await using (store)
        {
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
            await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString))
            {
                await admin.OpenAsync();
                await using var command = new NpgsqlCommand($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()", admin);
                await command.ExecuteNonQueryAsync();
            }

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.RateLimits.TakeAsync("user", 1, 10, TimeSpan.FromSeconds(10), default).AsTask());
            Assert.StartsWith($"the shared request budgets in PostgreSQL at 127.0.0.1:{server.Cluster.Port}/", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("not-shown-anywhere", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }
    }

    private static async Task<int> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
