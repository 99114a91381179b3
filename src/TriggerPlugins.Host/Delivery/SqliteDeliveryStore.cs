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
            notes           TEXT
        );
        CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (status, next_attempt_at);
        PRAGMA user_version = 1;
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

        await using var schema = connection.CreateCommand();
        schema.CommandText = Schema;
        await schema.ExecuteNonQueryAsync(cancellationToken);
        return store;
    }

    /// <inheritdoc />
    public async Task<EnqueueResult> EnqueueAsync(NewDelivery delivery, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var inserted = await ExecuteAsync(
            """
            INSERT INTO deliveries (id, event_id, event_json, trigger_name, action_index, plugin, account, configuration,
                                    status, attempts, created_at, updated_at, next_attempt_at, window_start)
            VALUES ($id, $event_id, $event_json, $trigger_name, $action_index, $plugin, $account, $configuration,
                    $pending, 0, $now, $now, $now, $now)
            ON CONFLICT (id) DO NOTHING
            """,
            p =>
            {
                p.AddWithValue("$id", delivery.Id);
                p.AddWithValue("$event_id", delivery.EventId);
                p.AddWithValue("$event_json", delivery.EventJson);
                p.AddWithValue("$trigger_name", delivery.TriggerName);
                p.AddWithValue("$action_index", delivery.ActionIndex);
                p.AddWithValue("$plugin", delivery.Action.Plugin);
                p.AddWithValue("$account", delivery.Action.Account);
                p.AddWithValue("$configuration", delivery.Action.Configuration);
                p.AddWithValue("$pending", StatusText(DeliveryStatus.Pending));
                p.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            },
            cancellationToken);
        var record = await GetAsync(delivery.Id, cancellationToken)
            ?? throw new InvalidOperationException($"Delivery {delivery.Id} vanished right after it was enqueued.");
        return new EnqueueResult(record, inserted == 1);
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
            "UPDATE deliveries SET status = $pending, next_attempt_at = $now, updated_at = $now WHERE status = $in_flight",
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

    private static string StatusText(DeliveryStatus status) => DeliveryRows.StatusText(status);

    private async Task<bool> TransitionAsync(
        string id,
        DeliveryStatus from,
        DeliveryStatus to,
        DateTimeOffset now,
        string assignments,
        Action<SqliteParameterCollection> bind,
        CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"UPDATE deliveries SET status = $to, updated_at = $now, {assignments} WHERE id = $id AND status = $from",
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
