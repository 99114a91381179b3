using System.Text.Json;
using Microsoft.Data.Sqlite;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// The delivery queue in one SQLite file (<see cref="FileName"/>) in the host's data folder, in WAL mode so readers
/// (<c>triggers deliveries list</c>) never block the worker. The schema is created on open. Times are stored as
/// Unix milliseconds. SQLite's default <c>synchronous=FULL</c> is kept: a commit survives a power cut, not only a crash.
/// </summary>
public sealed class SqliteDeliveryStore : IDeliveryStore, IDisposable
{
    /// <summary>The database's file name in the data folder.</summary>
    public const string FileName = "deliveries.db";

    private const string Columns = DeliveryRows.Columns;

    // Schema versions (PRAGMA user_version): 1 the first; 2 adds event_hash (the content hash that tells a re-sent event from
    // a different one under the same id); 3 adds failure_code (a dead letter's code, what `deliveries retry --code`
    // filters on); 4 adds call_key, seq (per-call order) and the lease (owner, expiry). A newer version is refused
    // rather than guessed at.
    private const int SchemaVersion = 4;

    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS deliveries (
            id              TEXT    NOT NULL PRIMARY KEY,
            event_id        TEXT    NOT NULL,
            event_json      TEXT    NOT NULL,
            trigger_name    TEXT    NOT NULL,
            action_index    INTEGER NOT NULL,
            plugin          TEXT    NOT NULL,
            account         TEXT    NOT NULL,
            configuration   TEXT    NOT NULL,
            status          TEXT    NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0,
            created_at      INTEGER NOT NULL,
            updated_at      INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            window_start    INTEGER NOT NULL,
            last_error      TEXT,
            external_id     TEXT,
            number          TEXT,
            url             TEXT,
            notes           TEXT,
            event_hash      TEXT
        );
        CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (status, next_attempt_at);
        CREATE INDEX IF NOT EXISTS deliveries_to_purge ON deliveries (updated_at) WHERE status = 'succeeded' AND event_json <> '';
        PRAGMA user_version = 2;
        """;

    // The partial index holds only succeeded deliveries that still have call data: the retention pass at each start
    // costs what it purges, not the size of the queue.
    private const string MigrateToVersion2 = """
        ALTER TABLE deliveries ADD COLUMN event_hash TEXT;
        CREATE INDEX IF NOT EXISTS deliveries_to_purge ON deliveries (updated_at) WHERE status = 'succeeded' AND event_json <> '';
        PRAGMA user_version = 2;
        """;

    // Old dead letters keep an empty code: `--code` does not select them, `--all` and `--account` do.
    private const string MigrateToVersion3 = """
        ALTER TABLE deliveries ADD COLUMN failure_code TEXT;
        PRAGMA user_version = 3;
        """;

    // DeliveryFilter in SQL, with only the criteria given (DeliveryFilter.Matches is the reference). Not one statement
    // of "($status IS NULL OR status = $status) AND ...": SQLite plans a statement before it sees its values, so that
    // form keeps it off every index, and listing a million-delivery queue's dead letters read the whole file.
    internal static string FilterSql(DeliveryFilter filter)
    {
        var terms = new List<string>();
        AddTerm(filter.Status is not null, "status = $status");
        AddTerm(filter.Account is not null, "account = $account");
        AddTerm(filter.ExactCode is not null, "failure_code = $code");
        AddTerm(filter.CodePrefix is not null, "substr(failure_code, 1, length($prefix)) = $prefix");
        AddTerm(filter.Since is not null, "updated_at >= $since");
        AddTerm(filter.Until is not null, "updated_at <= $until");
        return terms.Count == 0 ? "1" : string.Join(" AND ", terms);

        void AddTerm(bool given, string term)
        {
            if (given)
            {
                terms.Add(term);
            }
        }
    }

    /// <summary>The list of deliveries matching <paramref name="filter"/> in <paramref name="orderBy"/> order, at most $limit.</summary>
    internal static string ListSql(DeliveryFilter filter, string orderBy) =>
        $"SELECT {Columns} FROM deliveries WHERE {FilterSql(filter)} ORDER BY {orderBy} LIMIT $limit";

    // Version 4: per-call ordering (call_key, seq: the accept order) and leases (owner, expiry). Rows of an older file keep
    // their order (rowid) and use the event id as call key.
    private const string MigrateToVersion4 = """
        BEGIN;
        ALTER TABLE deliveries ADD COLUMN call_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE deliveries ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
        ALTER TABLE deliveries ADD COLUMN lease_expires_at INTEGER;
        UPDATE deliveries SET call_key = event_id, seq = rowid;
        CREATE INDEX IF NOT EXISTS deliveries_by_call ON deliveries (call_key, seq);
        CREATE INDEX IF NOT EXISTS deliveries_by_seq ON deliveries (seq);
        CREATE INDEX IF NOT EXISTS deliveries_by_event ON deliveries (event_id);
        CREATE INDEX IF NOT EXISTS deliveries_due_by_account ON deliveries (status, account, seq);
        PRAGMA user_version = 4;
        COMMIT;
        """;

    // A claim is cheap however long the backlog: the accounts with pending work come from the index, then each account
    // with free capacity walks its own pending deliveries in accept order (index by status, account, seq) and stops at
    // its share. A delivery waits while an earlier delivery of its call (lower seq) is pending or in flight, so one
    // call's deliveries run one at a time, in accept order.
    // A skip-scan of the (status, account, seq) index: one seek per account, not one row per pending delivery.
    private const string PendingAccountsSql = """
        WITH RECURSIVE accounts(account) AS (
            SELECT min(account) FROM deliveries WHERE status = 'pending'
            UNION ALL
            SELECT (SELECT min(account) FROM deliveries WHERE status = 'pending' AND account > accounts.account)
            FROM accounts WHERE accounts.account IS NOT NULL)
        SELECT account FROM accounts WHERE account IS NOT NULL
        """;

    // The unary + keeps next_attempt_at off the index choice: without it SQLite's planner takes the (status,
    // next_attempt_at) index for the range, then sorts every pending delivery by seq at each claim (16 ms at 40,000
    // pending, and a claim runs after every commit and every attempt). Walking (status, account, seq) stops at the
    // account's share; it reads past the not-yet-due retries at the head, which a paused account never asks for.
    // https://www.sqlite.org/optoverview.html#uplus
    internal const string DueOfAccountSql = """
        SELECT d.id FROM deliveries d
        WHERE d.status = 'pending' AND d.account = $account AND +d.next_attempt_at <= $now
          AND NOT EXISTS (SELECT 1 FROM deliveries e
                          WHERE e.call_key = d.call_key AND e.seq < d.seq AND e.status IN ('pending', 'in-flight'))
        ORDER BY d.seq
        LIMIT $take
        """;

    // In flight past its lease: its worker died. Taken again whatever its account's share (it was counted before).
    private const string ExpiredSql = "SELECT id FROM deliveries WHERE status = 'in-flight' AND lease_expires_at <= $now ORDER BY seq LIMIT $take";

    private const string ClaimOneSql = $"""
        UPDATE deliveries
        SET status = 'in-flight', attempts = attempts + 1, updated_at = $now, lease_owner = $owner, lease_expires_at = $expires
        WHERE id = $id AND (status = 'pending' OR (status = 'in-flight' AND lease_expires_at <= $now))
        RETURNING {Columns}
        """;

    private string _connectionString;

    // SQLite takes one writer at a time; writers of this process queue here instead of meeting SQLITE_BUSY and
    // sleeping in the driver's retry loop, which under a burst of calls costs whole seconds per delivery.
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    // The writes of the intake and the workers share commits (one fsync for many; see SqliteGroupCommit).
    private readonly SqliteGroupCommit _writes;

    private SqliteDeliveryStore(string path)
    {
        Path = path;
        _connectionString = ConnectionString(path, lockTimeoutSeconds: 30);
        _writes = new SqliteGroupCommit(OpenConnectionAsync, _writeGate, Translate);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>
    /// Extra PRAGMA statements run on every connection after the store's own; for tests that bring about real SQLite
    /// faults (<c>max_page_count</c> for a full disk, a short <c>busy_timeout</c> for a held lock).
    /// </summary>
    internal string? ConnectionPragmas { get; set; }

    /// <summary>How long a command waits for another process's lock before the store reports it (30 s); tests shorten it.</summary>
    internal int LockTimeoutSeconds
    {
        set => _connectionString = ConnectionString(Path, value);
    }

    /// <summary>Opens (creating when missing) the store in <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="DeliveryStoreException">The file is damaged or empty, or cannot be created or read.</exception>
    public static Task<SqliteDeliveryStore> OpenAsync(string dataDirectory, CancellationToken cancellationToken = default) =>
        OpenAsync(dataDirectory, DeliveryStoreOpenMode.CreateIfMissing, cancellationToken);

    /// <summary>
    /// Opens the store in <paramref name="dataDirectory"/>. An existing file that is empty (truncated), not SQLite,
    /// corrupted or not a delivery queue is never silently re-created: it is refused, unless
    /// <paramref name="mode"/> is <see cref="DeliveryStoreOpenMode.ReplaceDamaged"/>, which moves it aside first.
    /// </summary>
    /// <exception cref="DeliveryStoreException">The queue is missing (<see cref="DeliveryStoreOpenMode.MustExist"/>), damaged, or cannot be created or read.</exception>
    public static async Task<SqliteDeliveryStore> OpenAsync(string dataDirectory, DeliveryStoreOpenMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var path = System.IO.Path.Combine(System.IO.Path.GetFullPath(dataDirectory), FileName);
        if (!File.Exists(path))
        {
            if (mode == DeliveryStoreOpenMode.MustExist)
            {
                throw new DeliveryStoreException(DeliveryStoreFault.Missing, path, $"there is no delivery queue at '{path}'; check --data (a queue is created by `triggers run`)");
            }

            CreateDirectory(dataDirectory, path);
        }
        else if (Damage(path) is { } damage)
        {
            if (mode != DeliveryStoreOpenMode.ReplaceDamaged)
            {
                throw Damaged(path, damage);
            }

            MoveAside(path);
        }

        var store = new SqliteDeliveryStore(path);
        try
        {
            await store.PrepareAsync(cancellationToken);
            return store;
        }
        catch (DeliveryStoreException exception) when (exception.Fault == DeliveryStoreFault.Damaged && mode == DeliveryStoreOpenMode.ReplaceDamaged)
        {
            // Damage found inside the file (a corrupted schema, another program's database): move it aside too, then start afresh.
            store.Dispose();
            MoveAside(path);
            return await OpenAsync(dataDirectory, DeliveryStoreOpenMode.CreateIfMissing, cancellationToken);
        }
        catch
        {
            store.Dispose();
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

        // One transaction, so one fsync for the whole group (shared with the other writes queued meanwhile).
        return await _writes.WriteAsync((connection, transaction) => EnqueueInAsync(connection, transaction, deliveries, now), cancellationToken);
    }

    private static async Task<IReadOnlyList<EnqueueResult>> EnqueueInAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now)
    {
        var cancellationToken = CancellationToken.None;
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"""
                INSERT INTO deliveries (id, event_id, event_json, trigger_name, action_index, plugin, account, configuration,
                                        status, attempts, created_at, updated_at, next_attempt_at, window_start, event_hash, call_key, seq)
                VALUES ($id, $event_id, $event_json, $trigger_name, $action_index, $plugin, $account, $configuration,
                        'pending', 0, $now, $now, $now, $now, $event_hash, $call_key, (SELECT coalesce(max(seq), 0) + 1 FROM deliveries))
                ON CONFLICT (id) DO NOTHING
                RETURNING {Columns}
                """;
            string[] names = ["$id", "$event_id", "$event_json", "$trigger_name", "$action_index", "$plugin", "$account", "$configuration", "$call_key", "$event_hash"];
            foreach (var name in names)
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            insert.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            await using var select = connection.CreateCommand();
            select.Transaction = transaction;
            select.CommandText = $"SELECT {Columns} FROM deliveries WHERE id = $id";
            var selectId = select.Parameters.Add(new SqliteParameter { ParameterName = "$id" });

            var results = new List<EnqueueResult>(deliveries.Count);
            foreach (var delivery in deliveries)
            {
                object[] values = [delivery.Id, delivery.EventId, delivery.EventJson, delivery.TriggerName, delivery.ActionIndex, delivery.Action.Plugin, delivery.Action.Account, delivery.Action.Configuration, delivery.CallKey, delivery.EventHash];
                for (var i = 0; i < values.Length; i++)
                {
                    insert.Parameters[i].Value = values[i];
                }

                var inserted = await ReadAllAsync(insert, cancellationToken);
                if (inserted.Count == 1)
                {
                    results.Add(new EnqueueResult(inserted[0], Created: true));
                    continue;
                }

                selectId.Value = delivery.Id;
                var known = await ReadAllAsync(select, cancellationToken);
                var record = known.Count == 1 ? known[0] : throw new InvalidOperationException($"Delivery {delivery.Id} vanished right after it was enqueued.");
                results.Add(new EnqueueResult(record, Created: false)
                {
                    Conflict = !string.Equals(record.EventHash ?? EventHashes.Of(record.EventJson), delivery.EventHash, StringComparison.Ordinal),
                });
            }

            return results;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeliveryRecord>> ClaimDueAsync(DeliveryClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var now = claim.Now.ToUnixTimeMilliseconds();
        return await _writes.WriteAsync((connection, transaction) => ClaimInAsync(connection, transaction, claim, now), cancellationToken);
    }

    private static async Task<IReadOnlyList<DeliveryRecord>> ClaimInAsync(SqliteConnection connection, SqliteTransaction transaction, DeliveryClaim claim, long now)
    {
        var cancellationToken = CancellationToken.None;
        {
            var chosen = await ScalarListAsync(connection, transaction, ExpiredSql, p => { p.AddWithValue("$now", now); p.AddWithValue("$take", claim.Limit); }, cancellationToken);

            // Per account with free capacity, its oldest due deliveries; then round-robin: every account's first before any second.
            var perAccount = new List<List<string>>();
            foreach (var account in await ScalarListAsync(connection, transaction, PendingAccountsSql, _ => { }, cancellationToken))
            {
                var free = Math.Min(claim.PerAccountCapacity - claim.BusyByAccount.GetValueOrDefault(account), claim.Limit);
                if (free > 0)
                {
                    perAccount.Add(await ScalarListAsync(connection, transaction, DueOfAccountSql, p => { p.AddWithValue("$account", account); p.AddWithValue("$now", now); p.AddWithValue("$take", free); }, cancellationToken));
                }
            }

            for (var turn = 0; chosen.Count < claim.Limit && perAccount.Any(a => a.Count > turn); turn++)
            {
                chosen.AddRange(perAccount.Where(a => a.Count > turn).Select(a => a[turn]).Take(claim.Limit - chosen.Count));
            }

            var claimed = new List<DeliveryRecord>(chosen.Count);
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = ClaimOneSql;
            update.Parameters.AddWithValue("$now", now);
            update.Parameters.AddWithValue("$expires", (claim.Now + claim.LeaseDuration).ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$owner", claim.Owner);
            var id = update.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
            foreach (var chosenId in chosen)
            {
                id.Value = chosenId;
                claimed.AddRange(await ReadAllAsync(update, cancellationToken));
            }

            return claimed;
        }
    }

    private static async Task<List<string>> ScalarListAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <inheritdoc />
    public Task<int> ReleaseLeasesAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE deliveries SET status = 'pending', next_attempt_at = $now, updated_at = $now, lease_owner = NULL, lease_expires_at = NULL WHERE status = 'in-flight' AND lease_owner = $owner",
            p =>
            {
                p.AddWithValue("$owner", owner);
                p.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            },
            cancellationToken);

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        return await GuardAsync(async () =>
        {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending'";
        return await command.ExecuteScalarAsync(cancellationToken) is long due ? Time(due) : (DateTimeOffset?)null;
        });
    }

    /// <inheritdoc />
    public Task<QueueStats> GetStatsAsync(CancellationToken cancellationToken) => GuardAsync(() => StatsUnguardedAsync(cancellationToken));

    private async Task<QueueStats> StatsUnguardedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, count(*) FROM deliveries GROUP BY status; SELECT min(created_at) FROM deliveries WHERE status = 'pending';";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<DeliveryStatus, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[ParseStatus(reader.GetString(0))] = reader.GetInt64(1);
        }

        await reader.NextResultAsync(cancellationToken);
        DateTimeOffset? oldest = await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? Time(reader.GetInt64(0)) : null;
        return new QueueStats(counts, oldest);
    }

    /// <inheritdoc />
    public async Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        try
        {
            // BEGIN IMMEDIATE takes the write lock without changing anything: the file, its folder and its WAL are writable.
            await _writeGate.WaitAsync(cancellationToken);
            try
            {
                await using var connection = await OpenConnectionAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
                await command.ExecuteNonQueryAsync(cancellationToken);
                return true;
            }
            finally
            {
                _writeGate.Release();
            }
        }
        catch (Exception exception) when (exception is SqliteException or DeliveryStoreException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var records = await QueryAsync($"SELECT {Columns} FROM deliveries WHERE id = $id", p => p.AddWithValue("$id", id), cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken) =>
        ListMatchingAsync(new DeliveryFilter { Status = status }, limit, cancellationToken);

    /// <inheritdoc />
    /// <remarks>ORDER BY with LIMIT: SQLite keeps the newest <paramref name="limit"/> rows as it scans, not the matches.</remarks>
    public Task<IReadOnlyList<DeliveryRecord>> ListRecentAsync(DeliveryFilter filter, int limit, CancellationToken cancellationToken) =>
        ListFilteredAsync(filter, "updated_at DESC, id DESC", limit, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeliveryRecord>> ListMatchingAsync(DeliveryFilter filter, int limit, CancellationToken cancellationToken) =>
        ListFilteredAsync(filter, "created_at, id", limit, cancellationToken);

    private Task<IReadOnlyList<DeliveryRecord>> ListFilteredAsync(DeliveryFilter filter, string orderBy, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return QueryAsync(
            ListSql(filter, orderBy),
            p =>
            {
                BindFilter(p, filter);
                p.AddWithValue("$limit", Math.Max(limit, 0));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> TryClaimAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var records = await WriteQueryAsync(
            $"""
            UPDATE deliveries SET status = $in_flight, attempts = attempts + 1, updated_at = $now
            WHERE id = $id AND status = $pending AND next_attempt_at <= $now
            RETURNING {Columns}
            """,
            p =>
            {
                p.AddWithValue("$id", id);
                p.AddWithValue("$in_flight", StatusText(DeliveryStatus.InFlight));
                p.AddWithValue("$pending", StatusText(DeliveryStatus.Pending));
                p.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            },
            cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    /// <inheritdoc />
    public async Task<bool> MarkSucceededAsync(string id, ActionSucceeded outcome, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return await TransitionAsync(
            id,
            DeliveryStatus.InFlight,
            DeliveryStatus.Succeeded,
            now,
            "external_id = $external_id, number = $number, url = $url, notes = $notes",
            p =>
            {
                p.AddWithValue("$external_id", outcome.ExternalId);
                p.AddWithValue("$number", (object?)outcome.Number ?? DBNull.Value);
                p.AddWithValue("$url", (object?)outcome.Url?.ToString() ?? DBNull.Value);
                p.AddWithValue("$notes", JsonSerializer.Serialize(outcome.Notes));
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
            "next_attempt_at = $next, last_error = coalesce($error, last_error)",
            p =>
            {
                p.AddWithValue("$next", nextAttemptAt.ToUnixTimeMilliseconds());
                p.AddWithValue("$error", (object?)error ?? DBNull.Value);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeadLetterAsync(string id, string reason, string? code, DateTimeOffset now, CancellationToken cancellationToken) =>
        TransitionAsync(
            id,
            DeliveryStatus.InFlight,
            DeliveryStatus.DeadLettered,
            now,
            "last_error = $reason, failure_code = $code",
            p =>
            {
                p.AddWithValue("$reason", reason);
                p.AddWithValue("$code", (object?)code ?? DBNull.Value);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<int> RecoverInFlightAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE deliveries SET status = $pending, next_attempt_at = $now, updated_at = $now, lease_owner = NULL, lease_expires_at = NULL WHERE status = $in_flight",
            p =>
            {
                p.AddWithValue("$pending", StatusText(DeliveryStatus.Pending));
                p.AddWithValue("$in_flight", StatusText(DeliveryStatus.InFlight));
                p.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> RetryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        TransitionAsync(id, DeliveryStatus.DeadLettered, DeliveryStatus.Pending, now, "next_attempt_at = $now, window_start = $now", _ => { }, cancellationToken);

    /// <inheritdoc />
    public Task<int> RetryManyAsync(DeliveryFilter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ExecuteAsync(
            $"""
            UPDATE deliveries SET status = $pending, updated_at = $now, next_attempt_at = $now, window_start = $now
            WHERE status = $dead AND {FilterSql(filter)}
            """,
            p =>
            {
                BindFilter(p, filter);
                p.AddWithValue("$pending", StatusText(DeliveryStatus.Pending));
                p.AddWithValue("$dead", StatusText(DeliveryStatus.DeadLettered));
                p.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DiscardAsync(string id, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "DELETE FROM deliveries WHERE id = $id AND status IN ($pending, $dead)",
            p =>
            {
                p.AddWithValue("$id", id);
                p.AddWithValue("$pending", StatusText(DeliveryStatus.Pending));
                p.AddWithValue("$dead", StatusText(DeliveryStatus.DeadLettered));
            },
            cancellationToken) == 1;

    /// <inheritdoc />
    /// <remarks>
    /// Every connection runs with <c>secure_delete</c>, so the old text is overwritten with zeros rather than left in
    /// free space, and a checkpoint moves the change out of the write-ahead log: the data is gone from the files, not
    /// only from the rows.
    /// </remarks>
    public async Task<int> PurgeSettledAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        // Literal status and text (not parameters), so SQLite can use the partial index deliveries_to_purge.
        var purged = await ExecuteAsync(
            "UPDATE deliveries SET event_json = '', last_error = NULL, notes = NULL WHERE status = 'succeeded' AND event_json <> '' AND updated_at < $before",
            p => p.AddWithValue("$before", before.ToUnixTimeMilliseconds()),
            cancellationToken);
        if (purged > 0)
        {
            await ExecuteAloneAsync("PRAGMA wal_checkpoint(TRUNCATE);", _ => { }, cancellationToken);
        }

        return purged;
    }

    /// <summary>Releases the pooled connections, so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        _writes.Dispose();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _writeGate.Dispose();
    }

    private static string ConnectionString(string path, int lockTimeoutSeconds) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        // Waits this long for another writer (another `triggers` process) instead of failing with SQLITE_BUSY.
        DefaultTimeout = lockTimeoutSeconds,
    }.ToString();

    private static DeliveryStoreException Damaged(string path, string damage) => new(
        DeliveryStoreFault.Damaged,
        path,
        $"the delivery queue '{path}' {damage}; it was left as it is, so nothing queued in it is lost. Restore it from a backup, or pass --replace-damaged-queue to move it aside and start an empty queue");

    // What is wrong with an existing file, judged from its header without opening it: SQLite takes an empty file
    // for a new database, so a truncated queue would otherwise come back empty and lose its deliveries.
    private static string? Damage(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (file.Length == 0)
            {
                return "is empty (0 bytes: truncated?)";
            }

            var header = new byte[SqliteHeader.Length];
            return file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.AsSpan().SequenceEqual(SqliteHeader)
                ? "is not a SQLite database"
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DeliveryStoreException(DeliveryStoreFault.ReadOnly, path, $"cannot read the delivery queue '{path}': {exception.Message}; give this user access to it, or choose another --data folder", exception);
        }
    }

    private static void MoveAside(string path)
    {
        var aside = $"{path}.damaged-{Guid.NewGuid():N}";
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            if (File.Exists(path + suffix))
            {
                File.Move(path + suffix, aside + suffix);
            }
        }
    }

    private static void CreateDirectory(string dataDirectory, string path)
    {
        try
        {
            Directory.CreateDirectory(dataDirectory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DeliveryStoreException(DeliveryStoreFault.ReadOnly, path, $"cannot create the delivery queue's folder '{dataDirectory}': {exception.Message}; choose a writable --data folder");
        }
    }

    private DeliveryStoreException Translate(SqliteException exception) => exception.SqliteErrorCode switch
    {
        5 or 6 => new(DeliveryStoreFault.Locked, Path, $"the delivery queue '{Path}' is locked by another process (another `triggers run`?); wait for it to finish or stop it, then try again", exception),
        3 or 8 or 14 => new(DeliveryStoreFault.ReadOnly, Path, $"cannot open or write the delivery queue '{Path}' (read-only or no permission); give this user write access to the file and its folder, or choose another --data folder", exception),
        13 => new(DeliveryStoreFault.DiskFull, Path, $"the disk holding the delivery queue '{Path}' is full; intake stopped and what is queued is kept: free some space, then run again", exception),
        11 or 26 => Damaged(Path, "is corrupted"),
        _ => new(DeliveryStoreFault.Other, Path, $"the delivery queue '{Path}' failed: {exception.Message.TrimEnd('.')}; check the disk and the file", exception),
    };

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await GuardAsync(
            async () =>
            {
                await using var connection = await OpenConnectionAsync(cancellationToken);
                var version = await CountAsync(connection, "PRAGMA user_version;", cancellationToken);
                var hasTable = await CountAsync(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'deliveries';", cancellationToken) == 1;
                if (!hasTable && await CountAsync(connection, "SELECT count(*) FROM sqlite_master;", cancellationToken) > 0)
                {
                    throw Damaged(Path, "is a SQLite database but not a delivery queue (it has other tables)");
                }

                if (version > SchemaVersion)
                {
                    throw new DeliveryStoreException(DeliveryStoreFault.Other, Path, $"the delivery queue '{Path}' has schema version {version}, newer than this triggers ({SchemaVersion}); run the newer triggers, or choose another --data folder");
                }

                await ScalarAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
                if (!hasTable)
                {
                    // A new file gets the version-2 shape, then the same migrations as an old file: one path to the current schema.
                    await ScalarAsync(connection, Schema, cancellationToken);
                    version = 2;
                }

                if (version <= 1)
                {
                    await ScalarAsync(connection, MigrateToVersion2, cancellationToken);
                }

                if (version <= 2)
                {
                    await ScalarAsync(connection, MigrateToVersion3, cancellationToken);
                }

                if (version <= 3)
                {
                    await ScalarAsync(connection, MigrateToVersion4, cancellationToken);
                }
            });
    }

    private static async Task<long> CountAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(connection, sql, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task GuardAsync(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (SqliteException exception)
        {
            throw Translate(exception);
        }
    }

    private async Task<T> GuardAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (SqliteException exception)
        {
            throw Translate(exception);
        }
    }

    private static string StatusText(DeliveryStatus status) => DeliveryRows.StatusText(status);

    internal static void BindFilter(SqliteParameterCollection p, DeliveryFilter filter)
    {
        p.AddWithValue("$status", filter.Status is { } s ? StatusText(s) : DBNull.Value);
        p.AddWithValue("$account", (object?)filter.Account ?? DBNull.Value);
        p.AddWithValue("$code", (object?)filter.ExactCode ?? DBNull.Value);
        p.AddWithValue("$prefix", (object?)filter.CodePrefix ?? DBNull.Value);
        p.AddWithValue("$since", filter.Since is { } since ? since.ToUnixTimeMilliseconds() : DBNull.Value);
        p.AddWithValue("$until", filter.Until is { } until ? until.ToUnixTimeMilliseconds() : DBNull.Value);
    }

    private static DeliveryStatus ParseStatus(string text) => DeliveryRows.ParseStatus(text);

    private async Task<bool> TransitionAsync(
        string id,
        DeliveryStatus from,
        DeliveryStatus to,
        DateTimeOffset now,
        string assignments,
        Action<SqliteParameterCollection> bind,
        CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"UPDATE deliveries SET status = $to, updated_at = $now, lease_owner = NULL, lease_expires_at = NULL, {assignments} WHERE id = $id AND status = $from",
            p =>
            {
                p.AddWithValue("$id", id);
                p.AddWithValue("$from", StatusText(from));
                p.AddWithValue("$to", StatusText(to));
                p.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                bind(p);
            },
            cancellationToken) == 1;

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // Freed space is zeroed (rows rewritten by status changes leave old copies behind otherwise), so call data that
        // retention drops is really gone from the file. https://www.sqlite.org/pragma.html#pragma_secure_delete
        await using var secure = connection.CreateCommand();
        secure.CommandText = "PRAGMA secure_delete = ON;" + ConnectionPragmas;
        await secure.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    // A write of one statement, committed with the others queued meanwhile; returns the rows it changed.
    private Task<int> ExecuteAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken) =>
        WriteAsync(sql, bind, command => command.ExecuteNonQueryAsync(), cancellationToken);

    // The same, returning the rows the statement returns (RETURNING).
    private Task<IReadOnlyList<DeliveryRecord>> WriteQueryAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken) =>
        WriteAsync(sql, bind, command => ReadAllAsync(command, CancellationToken.None), cancellationToken);

    private Task<T> WriteAsync<T>(string sql, Action<SqliteParameterCollection> bind, Func<SqliteCommand, Task<T>> run, CancellationToken cancellationToken) =>
        _writes.WriteAsync(
            async (connection, transaction) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                bind(command.Parameters);
                return await run(command);
            },
            cancellationToken);

    // A statement that cannot run inside a transaction (a checkpoint).
    private async Task<int> ExecuteAloneAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            return await GuardAsync(async () =>
            {
                await using var connection = await OpenConnectionAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                bind(command.Parameters);
                return await command.ExecuteNonQueryAsync(cancellationToken);
            });
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private Task<IReadOnlyList<DeliveryRecord>> QueryAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken) =>
        GuardAsync(() => QueryUnguardedAsync(sql, bind, cancellationToken));

    private async Task<IReadOnlyList<DeliveryRecord>> QueryUnguardedAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        return await ReadAllAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<DeliveryRecord>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<DeliveryRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(Read(reader));
        }

        return records;
    }

    private static DeliveryRecord Read(SqliteDataReader reader) => DeliveryRows.Read(reader, static (r, i) => Time(r.GetInt64(i)));

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
}
