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
        AND (@until::timestamptz IS NULL OR updated_at <= @until)
        """;

    // The advisory lock that serializes claims across hosts (see ClaimDueAsync); distinct from the migration lock.
    internal const long ClaimLockKey = Migrations.LockKey + 1;

    private const string InsertManySql = $"""
        INSERT INTO deliveries (id, event_id, event_json, trigger_name, action_index, plugin, account, configuration, call_key, event_hash,
                                status, attempts, created_at, updated_at, next_attempt_at, window_start)
        SELECT n.id, n.event_id, n.event_json, n.trigger_name, n.action_index, n.plugin, n.account, n.configuration, n.call_key, n.event_hash,
               'pending', 0, @now, @now, @now, @now
        FROM unnest(@ids, @event_ids, @event_jsons, @trigger_names, @action_indexes, @plugins, @accounts, @configurations, @call_keys, @event_hashes)
             WITH ORDINALITY AS n (id, event_id, event_json, trigger_name, action_index, plugin, account, configuration, call_key, event_hash, ord)
        ORDER BY n.ord
        ON CONFLICT (id) DO NOTHING
        RETURNING {Columns}
        """;

    // The same choice as the SQLite store's, in one statement: first the deliveries whose lease ran out (their worker
    // died; whatever their account's share), then per account with pending work (a skip-scan of the (status, account,
    // seq) index) its oldest due deliveries up to its free capacity, taken round-robin: every account's first before
    // any account's second. A delivery waits while an earlier delivery of its call is pending or in flight, or while
    // any other delivery of its call is in flight under a live lease: one call, one delivery at a time, on all hosts.
    // The UPDATE re-checks each row under its lock, so a row settled since the snapshot is left alone.
    // The call rule is two NOT EXISTS, not one with an OR: each then walks the (call_key, seq) index of its call,
    // where the OR let the planner (before the table's first ANALYZE) OR two bitmap scans, one of them over every
    // pending delivery, for each candidate (36 ms per claim at 38,000 pending, against 2 ms).
    internal const string ClaimSql = $"""
        WITH RECURSIVE accounts(account) AS (
            SELECT min(account) FROM deliveries WHERE status = 'pending'
            UNION ALL
            SELECT (SELECT min(account) FROM deliveries WHERE status = 'pending' AND account > accounts.account)
            FROM accounts WHERE accounts.account IS NOT NULL
        ),
        expired AS (
            SELECT id, seq, 0::bigint AS turn FROM deliveries
            WHERE status = 'in-flight' AND lease_expires_at <= @now
            ORDER BY seq LIMIT @limit
        ),
        due AS (
            SELECT p.id, p.seq, row_number() OVER (PARTITION BY a.account ORDER BY p.seq) AS turn
            FROM accounts a
            CROSS JOIN LATERAL (
                SELECT d.id, d.seq FROM deliveries d
                WHERE d.status = 'pending' AND d.account = a.account AND d.next_attempt_at <= @now
                  AND NOT EXISTS (SELECT 1 FROM deliveries e
                                  WHERE e.call_key = d.call_key AND e.seq < d.seq AND e.status IN ('pending', 'in-flight'))
                  AND NOT EXISTS (SELECT 1 FROM deliveries e
                                  WHERE e.call_key = d.call_key AND e.id <> d.id AND e.status = 'in-flight' AND e.lease_expires_at > @now)
                ORDER BY d.seq
                LIMIT greatest(least(@capacity - coalesce((@busy::jsonb ->> a.account)::integer, 0), @limit), 0)
            ) p
            WHERE a.account IS NOT NULL
        ),
        chosen AS (
            SELECT id FROM (SELECT id, seq, turn FROM expired UNION ALL SELECT id, seq, turn FROM due) c
            ORDER BY turn, seq LIMIT @limit
        ),
        locked AS (
            SELECT id FROM deliveries WHERE id IN (SELECT id FROM chosen) FOR UPDATE SKIP LOCKED
        )
        UPDATE deliveries
        SET status = 'in-flight', attempts = attempts + 1, updated_at = @now, lease_owner = @owner, lease_expires_at = @expires
        WHERE id IN (SELECT id FROM locked)
          AND (status = 'pending' OR (status = 'in-flight' AND lease_expires_at <= @now))
        RETURNING {Columns}
        """;

    private readonly NpgsqlDataSource _dataSource;

    private PostgreSqlDeliveryStore(NpgsqlDataSource dataSource, string where)
    {
        _dataSource = dataSource;
        Where = where;
        RateLimits = new PostgreSqlSharedRateLimits(dataSource, where);
    }

    /// <summary>The request budgets of the hosts on this queue (<c>rate_budgets</c>), for their plugins.</summary>
    public ISharedRateLimits RateLimits { get; }

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
            Log.Opened(logger, where, Migrations.Latest);
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
        return (await EnqueueManyAsync([delivery], now, cancellationToken))[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EnqueueResult>> EnqueueManyAsync(IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count == 0)
        {
            return [];
        }

        // One statement for the group (one commit: one WAL flush), rows numbered (seq) in list order. A known id inserts
        // nothing, after waiting for a concurrent insert of the same id to commit; the stored rows are then read by a
        // second statement, whose snapshot sees that commit.
        var inserted = (await QueryAsync(
            InsertManySql,
            p =>
            {
                p.AddWithValue("ids", deliveries.Select(d => d.Id).ToArray());
                p.AddWithValue("event_ids", deliveries.Select(d => d.EventId).ToArray());
                p.AddWithValue("event_jsons", deliveries.Select(d => d.EventJson).ToArray());
                p.AddWithValue("trigger_names", deliveries.Select(d => d.TriggerName).ToArray());
                p.AddWithValue("action_indexes", deliveries.Select(d => d.ActionIndex).ToArray());
                p.AddWithValue("plugins", deliveries.Select(d => d.Action.Plugin).ToArray());
                p.AddWithValue("accounts", deliveries.Select(d => d.Action.Account).ToArray());
                p.AddWithValue("configurations", deliveries.Select(d => d.Action.Configuration).ToArray());
                p.AddWithValue("call_keys", deliveries.Select(d => d.CallKey).ToArray());
                p.AddWithValue("event_hashes", deliveries.Select(d => d.EventHash).ToArray());
                AddTime(p, "now", now);
            },
            Read,
            cancellationToken)).ToDictionary(r => r.Id, StringComparer.Ordinal);
        var known = inserted.Count == deliveries.Count
            ? []
            : (await QueryAsync($"SELECT {Columns} FROM deliveries WHERE id = ANY(@ids)", p => p.AddWithValue("ids", deliveries.Where(d => !inserted.ContainsKey(d.Id)).Select(d => d.Id).ToArray()), Read, cancellationToken))
                .ToDictionary(r => r.Id, StringComparer.Ordinal);

        var results = new List<EnqueueResult>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            // The same id twice in one group: the first one is created, the second finds it.
            // A known id with other content is a conflict (EventHashes): nothing was added, and the caller must say so.
            results.Add(inserted.Remove(delivery.Id, out var created) ? new EnqueueResult(created, Created: true)
                : known.TryGetValue(delivery.Id, out var stored) || TryFind(results, delivery.Id, out stored)
                    ? new EnqueueResult(stored, Created: false) { Conflict = !string.Equals(stored.EventHash ?? EventHashes.Of(stored.EventJson), delivery.EventHash, StringComparison.Ordinal) }
                : throw new InvalidOperationException($"Delivery {delivery.Id} vanished right after it was enqueued (discarded by another host?)."));
        }

        return results;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Claims are serialized across hosts by a transaction-scoped advisory lock: each claim's snapshot then sees every
    /// earlier claim, which the per-call rule needs (<c>FOR UPDATE SKIP LOCKED</c> alone would let two hosts take two
    /// deliveries of one call, each unaware of the other's uncommitted claim). <c>SKIP LOCKED</c> still keeps a claim
    /// from waiting on rows a worker is settling. A claim is one statement, so the lock is held for milliseconds.
    /// </remarks>
    public async Task<IReadOnlyList<DeliveryRecord>> ClaimDueAsync(DeliveryClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        try
        {
            return await ClaimInTransactionAsync(claim, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw Fault(e);
        }
    }

    // Takes the claim lock, and turns PostgreSQL's JIT off for the claim's transaction. The claim's LIMIT is an
    // expression, so the planner costs it as if it read the whole backlog; past jit_above_cost (100,000, reached near
    // 20,000 pending) every claim was compiled with LLVM: 30 to 100 ms of CPU, under the lock that serializes the hosts'
    // claims, for a statement that runs in 2 ms. set_config(..., true) lasts until the transaction ends, so a pooled
    // connection (or PgBouncer in transaction mode) keeps its settings.
    // https://www.postgresql.org/docs/15/jit-decision.html
    internal const string ClaimPreambleSql = "SELECT set_config('jit', 'off', true), pg_advisory_xact_lock(@key)";

    private async Task<IReadOnlyList<DeliveryRecord>> ClaimInTransactionAsync(DeliveryClaim claim, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var serialize = new NpgsqlCommand(ClaimPreambleSql, connection, transaction))
        {
            serialize.Parameters.AddWithValue("key", ClaimLockKey);
            await serialize.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(ClaimSql, connection, transaction);
        AddTime(command.Parameters, "now", claim.Now);
        AddTime(command.Parameters, "expires", claim.Now + claim.LeaseDuration);
        command.Parameters.AddWithValue("owner", claim.Owner);
        command.Parameters.AddWithValue("limit", claim.Limit);
        command.Parameters.AddWithValue("capacity", claim.PerAccountCapacity);
        command.Parameters.Add(new NpgsqlParameter("busy", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(claim.BusyByAccount) });
        var claimed = new List<DeliveryRecord>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(Read(reader));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return [.. claimed.OrderBy(c => c.Sequence)];
    }

    /// <inheritdoc />
    public Task<int> ReleaseLeasesAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE deliveries SET status = 'pending', next_attempt_at = @now, updated_at = @now, lease_owner = NULL, lease_expires_at = NULL WHERE status = 'in-flight' AND lease_owner = @owner",
            p =>
            {
                p.AddWithValue("owner", owner);
                AddTime(p, "now", now);
            },
            cancellationToken);

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending'", _ => { }, r => r.IsDBNull(0) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(0), cancellationToken))[0];

    /// <inheritdoc />
    public async Task<QueueStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            "SELECT status, count(*), min(created_at) FROM deliveries GROUP BY status",
            _ => { },
            r => (Status: DeliveryRows.ParseStatus(r.GetString(0)), Count: r.GetInt64(1), Oldest: r.GetFieldValue<DateTimeOffset>(2)),
            cancellationToken);
        return new QueueStats(
            rows.ToDictionary(r => r.Status, r => r.Count),
            rows.Where(r => r.Status == DeliveryStatus.Pending).Select(r => (DateTimeOffset?)r.Oldest).FirstOrDefault());
    }

    /// <inheritdoc />
    public async Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Reachable, this login accepted, and a primary that takes writes (not a standby, not read-only).
            return (await QueryAsync("SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'", _ => { }, r => r.GetBoolean(0), cancellationToken))[0];
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var records = await QueryAsync($"SELECT {Columns} FROM deliveries WHERE id = @id", p => p.AddWithValue("id", id), Read, cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken) =>
        ListMatchingAsync(new DeliveryFilter { Status = status }, limit, cancellationToken);

    /// <inheritdoc />
    /// <remarks>ORDER BY with LIMIT: PostgreSQL keeps the newest <paramref name="limit"/> rows (a top-N sort), not the matches.</remarks>
    public Task<IReadOnlyList<DeliveryRecord>> ListRecentAsync(DeliveryFilter filter, int limit, CancellationToken cancellationToken) =>
        ListFilteredAsync(filter, "updated_at DESC, id DESC", limit, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeliveryRecord>> ListMatchingAsync(DeliveryFilter filter, int limit, CancellationToken cancellationToken) =>
        ListFilteredAsync(filter, "created_at, id", limit, cancellationToken);

    private Task<IReadOnlyList<DeliveryRecord>> ListFilteredAsync(DeliveryFilter filter, string orderBy, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return QueryAsync(
            $"SELECT {Columns} FROM deliveries WHERE {Filter} ORDER BY {orderBy} LIMIT @limit",
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
            "UPDATE deliveries SET status = 'pending', next_attempt_at = @now, updated_at = @now, lease_owner = NULL, lease_expires_at = NULL WHERE status = 'in-flight'",
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

    internal static string Reason(Exception e) => e switch
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
        p.Add(new NpgsqlParameter("until", NpgsqlDbType.TimestampTz) { Value = filter.Until is { } until ? DateTimeOffset.FromUnixTimeMilliseconds(until.ToUnixTimeMilliseconds()) : DBNull.Value });
    }

    private static bool TryFind(List<EnqueueResult> results, string id, out DeliveryRecord record)
    {
        record = results.LastOrDefault(r => r.Record.Id == id)?.Record!;
        return record is not null;
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
            $"UPDATE deliveries SET status = @to, updated_at = @now, lease_owner = NULL, lease_expires_at = NULL, {assignments} WHERE id = @id AND status = @from",
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
