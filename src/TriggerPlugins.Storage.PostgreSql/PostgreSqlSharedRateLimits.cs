using System.Net.Sockets;
using Npgsql;
using NpgsqlTypes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.RateLimits;

namespace TriggerPlugins.Storage.PostgreSql;

/// <summary>
/// Request budgets shared by every host on one PostgreSQL queue: a row per key in <c>rate_budgets</c> (migration 3)
/// holding the blocks of permits granted in the sliding window (when each stops counting, and its size) and the time
/// the key is closed until. A take is one call of <c>take_rate_permits</c>, which locks the key's row, so two hosts
/// never both get the last permits; a close is one upsert that keeps the later time. Times are the database's clock,
/// and answers are durations from it, so the hosts' clocks need not agree.
/// </summary>
internal sealed class PostgreSqlSharedRateLimits(NpgsqlDataSource dataSource, string where) : ISharedRateLimits
{
    private const string CloseSql = """
        INSERT INTO rate_budgets (key, closed_until) VALUES (@key, clock_timestamp() + @duration)
        ON CONFLICT (key) DO UPDATE SET closed_until = greatest(rate_budgets.closed_until, excluded.closed_until)
        """;

    public async ValueTask<RatePermits> TakeAsync(string key, int wanted, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        SharedRateLimitRules.Check(key, wanted, limit, window);
        var lifetime = SharedRateLimitRules.BlockLifetime(window);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT granted, retry_after, closed_for FROM take_rate_permits(@key, @wanted, @limit, @window, @lifetime)");
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("wanted", wanted);
            command.Parameters.AddWithValue("limit", limit);
            command.Parameters.Add(new NpgsqlParameter("window", NpgsqlDbType.Interval) { Value = window });
            command.Parameters.Add(new NpgsqlParameter("lifetime", NpgsqlDbType.Interval) { Value = lifetime });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var closedFor = reader.IsDBNull(2) ? (TimeSpan?)null : reader.GetFieldValue<TimeSpan>(2);
            return new RatePermits(reader.GetInt32(0), lifetime, reader.GetFieldValue<TimeSpan>(1), closedFor);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw Unavailable(e);
        }
    }

    public async ValueTask CloseAsync(string key, TimeSpan duration, CancellationToken cancellationToken)
    {
        SharedRateLimitRules.CheckKey(key);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        try
        {
            await using var command = dataSource.CreateCommand(CloseSql);
            command.Parameters.AddWithValue("key", key);
            command.Parameters.Add(new NpgsqlParameter("duration", NpgsqlDbType.Interval) { Value = duration });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw Unavailable(e);
        }
    }

    // The plugin sees only the message (the exception's type is not shared with its load context): one line naming the
    // server, never the password.
    private InvalidOperationException Unavailable(Exception e)
        => new($"the shared request budgets in PostgreSQL at {where} are unavailable: {PostgreSqlDeliveryStore.Reason(e)}", e);
}
