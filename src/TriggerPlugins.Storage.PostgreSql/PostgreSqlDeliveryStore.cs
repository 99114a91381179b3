using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Storage.PostgreSql;

/// <summary>
/// The delivery queue in a PostgreSQL database (15 or later), which any number of hosts can share. Same semantics as
/// <see cref="SqliteDeliveryStore"/>: every state change is one conditional <c>UPDATE</c> on the delivery's current
/// status, so under PostgreSQL's row locks two hosts can never both claim or settle one delivery (the second
/// <c>UPDATE</c> waits for the first to commit, re-reads the row and matches nothing). The schema is migrated on open
/// (<see cref="Migrations"/>). Times are stored as <c>timestamptz</c>, rounded to the millisecond like SQLite's.
/// </summary>
public sealed class PostgreSqlDeliveryStore : IDeliveryStore, IDisposable, IAsyncDisposable
{
    private const string Columns = DeliveryRows.Columns;

    // DeliveryFilter in SQL: every criterion given must hold (DeliveryFilter.Matches is the reference).
    private const string Filter = """
        (@status::text IS NULL OR status = @status)
        AND (@account::text IS NULL OR account = @account)
        AND (@code::text IS NULL OR failure_code = @code)
        AND (@prefix::text IS NULL OR starts_with(failure_code, @prefix))
        AND (@since::timestamptz IS NULL OR updated_at >= @since)
        """;

    private readonly NpgsqlDataSource _dataSource;

    private PostgreSqlDeliveryStore(NpgsqlDataSource dataSource, string where)
    {
        _dataSource = dataSource;
        Where = where;
    }

    /// <summary>Server, port and database, for messages and logs: never the password.</summary>
    public string Where { get; }

    /// <summary>
    /// Opens the store in the database of <paramref name="connectionString"/> (an Npgsql connection string:
    /// <c>Host=...;Port=...;Database=...;Username=...;Password=...</c>) and migrates its schema.
    /// </summary>
    /// <exception cref="DeliveryStoreException">
    /// The connection string is invalid, the server cannot be reached or refuses the login, the schema is newer than this
    /// build, or (<see cref="DeliveryStoreOpenMode.MustExist"/>) the database holds no queue yet.
    /// </exception>
    public static async Task<PostgreSqlDeliveryStore> OpenAsync(string connectionString, DeliveryStoreOpenMode mode = DeliveryStoreOpenMode.CreateIfMissing, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        logger ??= NullLogger.Instance;
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            // Npgsql's message names the keyword, never a value.
            throw new DeliveryStoreException(DeliveryStoreFault.Other, "TRIGGERS_STORE", $"the PostgreSQL connection string is invalid: {e.Message} Write it as 'Host=...;Port=5432;Database=...;Username=...;Password=...'.", e);
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new DeliveryStoreException(DeliveryStoreFault.Other, "TRIGGERS_STORE", "the PostgreSQL connection string names no server: add 'Host=<server>' (and Database=, Username=).");
        }

        builder.ApplicationName ??= "triggers";
        var where = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username ?? "(default database)"}";
        var dataSource = NpgsqlDataSource.Create(builder);
        try
        {
            var store = new PostgreSqlDeliveryStore(dataSource, where);
            await Migrations.ApplyAsync(dataSource, where, mode == DeliveryStoreOpenMode.MustExist, logger, cancellationToken);
            PostgreSqlLog.Opened(logger, where, Migrations.Latest);
            return store;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            await dataSource.DisposeAsync();
            throw new DeliveryStoreException(
                e is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } ? DeliveryStoreFault.Missing : DeliveryStoreFault.Other,
                where,
                $"cannot open the PostgreSQL delivery store at {where}: {Reason(e)}. Check TRIGGERS_STORE, that the server runs and accepts this user, and that the database exists.",
                e);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<EnqueueResult> EnqueueAsync(NewDelivery delivery, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);

        // The insert returns the new row; a known id inserts nothing (after waiting for a concurrent insert of the same id
        // to commit), and the stored row is read by a second statement, whose snapshot sees that commit.
        var inserted = await QueryAsync(
            $"""
            INSERT INTO deliveries (id, event_id, event_json, trigger_name, action_index, plugin, account, configuration,
                                    status, attempts, created_at, updated_at, next_attempt_at, window_start, event_hash)
            VALUES (@id, @event_id, @event_json, @trigger_name, @action_index, @plugin, @account, @configuration,
                    'pending', 0, @now, @now, @now, @now, @event_hash)
            ON CONFLICT (id) DO NOTHING
            RETURNING {Columns}
            """,
            p =>
            {
                p.AddWithValue("id", delivery.Id);
                p.AddWithValue("event_id", delivery.EventId);
                p.AddWithValue("event_json", delivery.EventJson);
                p.AddWithValue("event_hash", delivery.EventHash);
                p.AddWithValue("trigger_name", delivery.TriggerName);
                p.AddWithValue("action_index", delivery.ActionIndex);
                p.AddWithValue("plugin", delivery.Action.Plugin);
                p.AddWithValue("account", delivery.Action.Account);
                p.AddWithValue("configuration", delivery.Action.Configuration);
                AddTime(p, "now", now);
            },
            Read,
            cancellationToken);
        if (inserted.Count == 1)
        {
            return new EnqueueResult(inserted[0], Created: true);
        }

        var known = await GetAsync(delivery.Id, cancellationToken)
            ?? throw new InvalidOperationException($"Delivery {delivery.Id} vanished right after it was enqueued (discarded by another host?).");
        return new EnqueueResult(known, Created: false)
        {
            Conflict = !string.Equals(known.EventHash ?? EventHashes.Of(known.EventJson), delivery.EventHash, StringComparison.Ordinal),
        };
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var records = await QueryAsync($"SELECT {Columns} FROM deliveries WHERE id = @id", p => p.AddWithValue("id", id), Read, cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM deliveries WHERE @status::text IS NULL OR status = @status ORDER BY created_at, id LIMIT @limit",
            p =>
            {
                p.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = status is { } s ? StatusText(s) : DBNull.Value });
                p.AddWithValue("limit", (long)Math.Max(limit, 0));
            },
            Read,
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeliveryRecord>> ListMatchingAsync(DeliveryFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return QueryAsync(
            $"SELECT {Columns} FROM deliveries WHERE {Filter} ORDER BY created_at, id LIMIT @limit",
            p =>
            {
                BindFilter(p, filter);
                p.AddWithValue("limit", (long)Math.Max(limit, 0));
            },
            Read,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> RetryManyAsync(DeliveryFilter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ExecuteAsync(
            $"UPDATE deliveries SET status = 'pending', updated_at = @now, next_attempt_at = @now, window_start = @now WHERE status = 'dead-lettered' AND {Filter}",
            p =>
            {
                BindFilter(p, filter);
                AddTime(p, "now", now);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> TryClaimAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var records = await QueryAsync(
            $"""
            UPDATE deliveries SET status = 'in-flight', attempts = attempts + 1, updated_at = @now
            WHERE id = @id AND status = 'pending' AND next_attempt_at <= @now
            RETURNING {Columns}
            """,
            p =>
            {
                p.AddWithValue("id", id);
                AddTime(p, "now", now);
            },
            Read,
            cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    /// <inheritdoc />
    public Task<bool> MarkSucceededAsync(string id, ActionSucceeded outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return TransitionAsync(
            id,
            DeliveryStatus.InFlight,
            DeliveryStatus.Succeeded,
            now,
            "external_id = @external_id, number = @number, url = @url, notes = @notes",
            p =>
            {
                p.AddWithValue("external_id", outcome.ExternalId);
                p.Add(new NpgsqlParameter("number", NpgsqlDbType.Text) { Value = (object?)outcome.Number ?? DBNull.Value });
                p.Add(new NpgsqlParameter("url", NpgsqlDbType.Text) { Value = (object?)outcome.Url?.ToString() ?? DBNull.Value });
                p.AddWithValue("notes", JsonSerializer.Serialize(outcome.Notes));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RescheduleAsync(string id, DateTimeOffset nextAttemptAt, string? error, DateTimeOffset now, CancellationToken cancellationToken) =>
        TransitionAsync(
            id,
            DeliveryStatus.InFlight,
            DeliveryStatus.Pending,
            now,
            "next_attempt_at = @next, last_error = coalesce(@error, last_error)",
            p =>
            {
                AddTime(p, "next", nextAttemptAt);
                p.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeadLetterAsync(string id, string reason, string? code, DateTimeOffset now, CancellationToken cancellationToken) =>
        TransitionAsync(
            id,
            DeliveryStatus.InFlight,
            DeliveryStatus.DeadLettered,
            now,
            "last_error = @reason, failure_code = @code",
            p =>
            {
                p.AddWithValue("reason", reason);
                p.Add(new NpgsqlParameter("code", NpgsqlDbType.Text) { Value = (object?)code ?? DBNull.Value });
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// On a database shared by several hosts this also returns the deliveries other hosts are running right now:
    /// call it only when no other host works on the database (leases replace it for several hosts).
    /// </remarks>
    public Task<int> RecoverInFlightAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE deliveries SET status = 'pending', next_attempt_at = @now, updated_at = @now WHERE status = 'in-flight'",
            p => AddTime(p, "now", now),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> RetryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        TransitionAsync(id, DeliveryStatus.DeadLettered, DeliveryStatus.Pending, now, "next_attempt_at = @now, window_start = @now", _ => { }, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DiscardAsync(string id, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "DELETE FROM deliveries WHERE id = @id AND status IN ('pending', 'dead-lettered')",
            p => p.AddWithValue("id", id),
            cancellationToken) == 1;

    /// <inheritdoc />
    /// <remarks>
    /// PostgreSQL keeps the old row versions until (auto)vacuum reclaims their space; the rows themselves hold no call
    /// data from the moment this returns. Run <c>VACUUM deliveries</c> to reclaim the space at once.
    /// </remarks>
    public Task<int> PurgeSettledAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE deliveries SET event_json = '', last_error = NULL, notes = NULL WHERE status = 'succeeded' AND event_json <> '' AND updated_at < @before",
            p => AddTime(p, "before", before),
            cancellationToken);

    /// <summary>Closes the pooled connections.</summary>
    public void Dispose() => _dataSource.Dispose();

    /// <summary>Closes the pooled connections.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static string Reason(Exception e) => e switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        NpgsqlException { InnerException: SocketException socket } npgsql => $"{npgsql.Message.TrimEnd('.')} ({socket.Message})",
        NpgsqlException { InnerException: TimeoutException } => "the server did not answer in time",
        _ => e.Message.TrimEnd('.'),
    };

    private static void BindFilter(NpgsqlParameterCollection p, DeliveryFilter filter)
    {
        p.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = filter.Status is { } s ? StatusText(s) : DBNull.Value });
        p.Add(new NpgsqlParameter("account", NpgsqlDbType.Text) { Value = (object?)filter.Account ?? DBNull.Value });
        p.Add(new NpgsqlParameter("code", NpgsqlDbType.Text) { Value = (object?)filter.ExactCode ?? DBNull.Value });
        p.Add(new NpgsqlParameter("prefix", NpgsqlDbType.Text) { Value = (object?)filter.CodePrefix ?? DBNull.Value });
        p.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = filter.Since is { } since ? DateTimeOffset.FromUnixTimeMilliseconds(since.ToUnixTimeMilliseconds()) : DBNull.Value });
    }

    private static void AddTime(NpgsqlParameterCollection parameters, string name, DateTimeOffset value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()) });

    private static string StatusText(DeliveryStatus status) => DeliveryRows.StatusText(status);

    private async Task<bool> TransitionAsync(
        string id,
        DeliveryStatus from,
        DeliveryStatus to,
        DateTimeOffset now,
        string assignments,
        Action<NpgsqlParameterCollection> bind,
        CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"UPDATE deliveries SET status = @to, updated_at = @now, {assignments} WHERE id = @id AND status = @from",
            p =>
            {
                p.AddWithValue("id", id);
                p.AddWithValue("from", StatusText(from));
                p.AddWithValue("to", StatusText(to));
                AddTime(p, "now", now);
                bind(p);
            },
            cancellationToken) == 1;

    private async Task<int> ExecuteAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(sql);
            bind(command.Parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw Fault(e);
        }
    }

    // A storage fault at run time (server restarted or unreachable, disk full on the server): one line naming the server.
    private DeliveryStoreException Fault(Exception e) => new(
        e is PostgresException { SqlState: PostgresErrorCodes.DiskFull } ? DeliveryStoreFault.DiskFull : DeliveryStoreFault.Other,
        Where,
        $"the PostgreSQL delivery store at {Where} failed: {Reason(e)}; what is queued is kept. Check that the server runs and this host can reach it",
        e);

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(sql);
            bind(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw Fault(e);
        }
    }

    private static DeliveryRecord Read(NpgsqlDataReader reader) => DeliveryRows.Read(reader, static (r, i) => r.GetFieldValue<DateTimeOffset>(i));
}
