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

    private const string Columns = "id, event_id, event_json, trigger_name, action_index, plugin, account, configuration, status, attempts, created_at, updated_at, next_attempt_at, window_start, last_error, external_id, number, url, notes, call_key, seq, lease_owner, lease_expires_at";

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
            call_key        TEXT    NOT NULL DEFAULT '',
            seq             INTEGER NOT NULL DEFAULT 0,
            lease_owner     TEXT,
            lease_expires_at INTEGER
        );
        CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (status, next_attempt_at);
        """;

    // Version 2: per-call ordering (call_key, seq: the accept order) and leases (owner, expiry). A version-1 file
    // gets the columns; its rows keep their order (rowid) and use the event id as call key.
    private const string SchemaV2 = """
        CREATE INDEX IF NOT EXISTS deliveries_by_call ON deliveries (call_key, seq);
        CREATE INDEX IF NOT EXISTS deliveries_by_seq ON deliveries (seq);
        CREATE INDEX IF NOT EXISTS deliveries_by_event ON deliveries (event_id);
        CREATE INDEX IF NOT EXISTS deliveries_due_by_account ON deliveries (status, account, seq);
        PRAGMA user_version = 2;
        """;

    private const string MigrateV1 = """
        ALTER TABLE deliveries ADD COLUMN call_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE deliveries ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE deliveries ADD COLUMN lease_owner TEXT;
        ALTER TABLE deliveries ADD COLUMN lease_expires_at INTEGER;
        UPDATE deliveries SET call_key = event_id, seq = rowid;
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

    private const string DueOfAccountSql = """
        SELECT d.id FROM deliveries d
        WHERE d.status = 'pending' AND d.account = $account AND d.next_attempt_at <= $now
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

    private readonly string _connectionString;

    // SQLite takes one writer at a time; writers of this process queue here instead of meeting SQLITE_BUSY and
    // sleeping in the driver's retry loop, which under a burst of calls costs whole seconds per delivery.
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private SqliteDeliveryStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Waits this long for another writer (another `triggers` process) instead of failing with SQLITE_BUSY.
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating when missing) the store in <paramref name="dataDirectory"/>.</summary>
    public static async Task<SqliteDeliveryStore> OpenAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var store = new SqliteDeliveryStore(System.IO.Path.Combine(System.IO.Path.GetFullPath(dataDirectory), FileName));
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var version = connection.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        var current = Convert.ToInt64(await version.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        await using var schema = connection.CreateCommand();
        schema.CommandText = current switch
        {
            0 => Schema + SchemaV2,
            1 => "BEGIN;" + MigrateV1 + SchemaV2 + "COMMIT;",
            _ => SchemaV2,
        };
        await schema.ExecuteNonQueryAsync(cancellationToken);
        return store;
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

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            // One transaction, so one fsync for the whole group: the intake's group commit depends on it.
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"""
                INSERT INTO deliveries (id, event_id, event_json, trigger_name, action_index, plugin, account, configuration,
                                        status, attempts, created_at, updated_at, next_attempt_at, window_start, call_key, seq)
                VALUES ($id, $event_id, $event_json, $trigger_name, $action_index, $plugin, $account, $configuration,
                        'pending', 0, $now, $now, $now, $now, $call_key, (SELECT coalesce(max(seq), 0) + 1 FROM deliveries))
                ON CONFLICT (id) DO NOTHING
                RETURNING {Columns}
                """;
            string[] names = ["$id", "$event_id", "$event_json", "$trigger_name", "$action_index", "$plugin", "$account", "$configuration", "$call_key"];
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
                object[] values = [delivery.Id, delivery.EventId, delivery.EventJson, delivery.TriggerName, delivery.ActionIndex, delivery.Action.Plugin, delivery.Action.Account, delivery.Action.Configuration, delivery.CallKey];
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
                results.Add(new EnqueueResult(known.Count == 1 ? known[0] : throw new InvalidOperationException($"Delivery {delivery.Id} vanished right after it was enqueued."), Created: false));
            }

            await transaction.CommitAsync(cancellationToken);
            return results;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeliveryRecord>> ClaimDueAsync(DeliveryClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var now = claim.Now.ToUnixTimeMilliseconds();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
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

            await transaction.CommitAsync(cancellationToken);
            return claimed;
        }
        finally
        {
            _writeGate.Release();
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
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending'";
        return await command.ExecuteScalarAsync(cancellationToken) is long due ? Time(due) : null;
    }

    /// <inheritdoc />
    public async Task<QueueStats> GetStatsAsync(CancellationToken cancellationToken)
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
        catch (SqliteException)
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
        QueryAsync(
            $"SELECT {Columns} FROM deliveries WHERE $status IS NULL OR status = $status ORDER BY created_at, id LIMIT $limit",
            p =>
            {
                p.AddWithValue("$status", status is { } s ? StatusText(s) : DBNull.Value);
                p.AddWithValue("$limit", limit);
            },
            cancellationToken);

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
    public Task<bool> DeadLetterAsync(string id, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        TransitionAsync(id, DeliveryStatus.InFlight, DeliveryStatus.DeadLettered, now, "last_error = $reason", p => p.AddWithValue("$reason", reason), cancellationToken);

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

    /// <summary>Releases the pooled connections, so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _writeGate.Dispose();
    }

    private static string StatusText(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.InFlight => "in-flight",
        DeliveryStatus.Succeeded => "succeeded",
        _ => "dead-lettered",
    };

    private static DeliveryStatus ParseStatus(string text) => text switch
    {
        "pending" => DeliveryStatus.Pending,
        "in-flight" => DeliveryStatus.InFlight,
        "succeeded" => DeliveryStatus.Succeeded,
        "dead-lettered" => DeliveryStatus.DeadLettered,
        _ => throw new InvalidDataException($"Unknown delivery status '{text}' in the delivery store."),
    };

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
        return connection;
    }

    private async Task<int> ExecuteAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command.Parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<IReadOnlyList<DeliveryRecord>> WriteQueryAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            return await QueryAsync(sql, bind, cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<IReadOnlyList<DeliveryRecord>> QueryAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
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

    private static DeliveryRecord Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        EventId = reader.GetString(1),
        EventJson = reader.GetString(2),
        TriggerName = reader.GetString(3),
        ActionIndex = reader.GetInt32(4),
        Action = new TriggerAction(reader.GetString(5), reader.GetString(6), reader.GetString(7)),
        Status = ParseStatus(reader.GetString(8)),
        Attempts = reader.GetInt32(9),
        CreatedAt = Time(reader.GetInt64(10)),
        UpdatedAt = Time(reader.GetInt64(11)),
        NextAttemptAt = Time(reader.GetInt64(12)),
        RetryWindowStart = Time(reader.GetInt64(13)),
        LastError = reader.IsDBNull(14) ? null : reader.GetString(14),
        ExternalId = reader.IsDBNull(15) ? null : reader.GetString(15),
        Number = reader.IsDBNull(16) ? null : reader.GetString(16),
        Url = reader.IsDBNull(17) ? null : new Uri(reader.GetString(17)),
        Notes = reader.IsDBNull(18) ? [] : JsonSerializer.Deserialize<string[]>(reader.GetString(18)) ?? [],
        CallKey = reader.GetString(19),
        Sequence = reader.GetInt64(20),
        LeaseOwner = reader.IsDBNull(21) ? null : reader.GetString(21),
        LeaseExpiresAt = reader.IsDBNull(22) ? null : Time(reader.GetInt64(22)),
    };

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
}
