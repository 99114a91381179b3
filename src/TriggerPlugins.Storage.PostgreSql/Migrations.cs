using Microsoft.Extensions.Logging;
using Npgsql;
using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Storage.PostgreSql;

/// <summary>One schema change: applied once, in version order, recorded in <c>schema_migrations</c>.</summary>
/// <param name="Version">1, 2, 3...: never renumbered, never edited once released (add a new one instead).</param>
/// <param name="Description">What it changes, as recorded in the database.</param>
/// <param name="Sql">The statements; they run in the same transaction as the version row.</param>
internal sealed record Migration(int Version, string Description, string Sql);

/// <summary>
/// The versioned schema of the PostgreSQL delivery store, applied when a store opens. Hosts starting together take a
/// transaction-scoped advisory lock first, so exactly one of them applies a migration and the others see it done.
/// PostgreSQL DDL is transactional: a migration that fails leaves the schema as it was.
/// </summary>
internal static class Migrations
{
    /// <summary>The advisory lock key of the migration step (any constant shared by every host of this program).</summary>
    internal const long LockKey = 0x7472_6967_6765_7273; // "triggers"

    /// <summary>Every migration, in version order.</summary>
    internal static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "deliveries table", """
            CREATE TABLE deliveries (
                id              text        NOT NULL PRIMARY KEY,
                event_id        text        NOT NULL,
                event_json      text        NOT NULL,
                trigger_name    text        NOT NULL,
                action_index    integer     NOT NULL,
                plugin          text        NOT NULL,
                account         text        NOT NULL,
                configuration   text        NOT NULL,
                status          text        NOT NULL CHECK (status IN ('pending', 'in-flight', 'succeeded', 'dead-lettered')),
                attempts        integer     NOT NULL DEFAULT 0,
                created_at      timestamptz NOT NULL,
                updated_at      timestamptz NOT NULL,
                next_attempt_at timestamptz NOT NULL,
                window_start    timestamptz NOT NULL,
                last_error      text,
                external_id     text,
                number          text,
                url             text,
                notes           text,
                event_hash      text,
                failure_code    text
            );
            CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
            CREATE INDEX deliveries_by_status ON deliveries (status, created_at, id);
            CREATE INDEX deliveries_by_created ON deliveries (created_at, id);
            CREATE INDEX deliveries_to_purge ON deliveries (updated_at) WHERE status = 'succeeded' AND event_json <> '';
            """),
        new(2, "per-call order and leases", """
            ALTER TABLE deliveries ADD COLUMN call_key text NOT NULL DEFAULT '';
            ALTER TABLE deliveries ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
            ALTER TABLE deliveries ADD COLUMN lease_owner text;
            ALTER TABLE deliveries ADD COLUMN lease_expires_at timestamptz;
            UPDATE deliveries SET call_key = event_id;
            CREATE INDEX deliveries_by_call ON deliveries (call_key, seq);
            CREATE INDEX deliveries_due_by_account ON deliveries (status, account, seq);
            CREATE INDEX deliveries_leases ON deliveries (lease_expires_at) WHERE status = 'in-flight';
            CREATE INDEX deliveries_by_event ON deliveries (event_id);
            """),
        new(3, "request budgets shared by the hosts", """
            CREATE TABLE rate_budgets (
                key          text          NOT NULL PRIMARY KEY,
                closed_until timestamptz,
                block_ends   timestamptz[] NOT NULL DEFAULT '{}',
                block_sizes  integer[]     NOT NULL DEFAULT '{}'
            );
            CREATE FUNCTION take_rate_permits(p_key text, p_wanted integer, p_limit integer, p_window interval, p_lifetime interval,
                                              OUT granted integer, OUT retry_after interval, OUT closed_for interval)
            LANGUAGE plpgsql AS $$
            DECLARE
                b rate_budgets%ROWTYPE;
                used integer;
                t_now timestamptz;
            BEGIN
                INSERT INTO rate_budgets (key) VALUES (p_key) ON CONFLICT (key) DO NOTHING;
                -- The row lock serializes the hosts taking from one budget; each statement here sees the latest commit.
                SELECT * INTO STRICT b FROM rate_budgets WHERE key = p_key FOR UPDATE;
                t_now := clock_timestamp();
                granted := 0;
                retry_after := interval '0';
                IF b.closed_until > t_now THEN
                    closed_for := b.closed_until - t_now;
                    retry_after := closed_for;
                    RETURN;
                END IF;
                SELECT coalesce(array_agg(e ORDER BY e), '{}'), coalesce(array_agg(n ORDER BY e), '{}'), coalesce(sum(n), 0)
                  INTO b.block_ends, b.block_sizes, used
                  FROM unnest(b.block_ends, b.block_sizes) AS u(e, n)
                 WHERE e > t_now;
                granted := greatest(0, least(p_wanted, p_limit - used));
                IF granted > 0 THEN
                    b.block_ends := b.block_ends || (t_now + p_lifetime + p_window);
                    b.block_sizes := b.block_sizes || granted;
                ELSE
                    retry_after := coalesce(b.block_ends[1] - t_now, p_lifetime);
                END IF;
                UPDATE rate_budgets SET block_ends = b.block_ends, block_sizes = b.block_sizes WHERE key = p_key;
            END
            $$;
            """),
    ];

    /// <summary>The newest schema version this build knows.</summary>
    internal static int Latest => All[^1].Version;

    /// <summary>
    /// Brings the schema to <see cref="Latest"/>; refuses a database migrated by a newer build, and (with
    /// <paramref name="mustExist"/>: read-only and admin commands) a database that holds no queue yet. Returns the versions applied.
    /// </summary>
    internal static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlDataSource dataSource, string where, bool mustExist, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", LockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection, transaction))
        {
            if (mustExist && await command.ExecuteScalarAsync(cancellationToken) is false)
            {
                throw new DeliveryStoreException(DeliveryStoreFault.Missing, where, $"there is no delivery queue in the PostgreSQL database {where}; check TRIGGERS_STORE (a queue is created by `triggers run` or `triggers serve`)");
            }
        }

        await using (var command = new NpgsqlCommand(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer     NOT NULL PRIMARY KEY,
                description text        NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            );
            """,
            connection,
            transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        int current;
        await using (var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_migrations", connection, transaction))
        {
            current = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        if (current > Latest)
        {
            throw new DeliveryStoreException(
                DeliveryStoreFault.Other,
                where,
                $"the delivery store at {where} has schema version {current}, newer than this build knows ({Latest}): upgrade `triggers` on this host to the version the other hosts run.");
        }

        var applied = new List<int>();
        foreach (var migration in All.Where(m => m.Version > current))
        {
            await using var command = new NpgsqlCommand(
                migration.Sql + ";\nINSERT INTO schema_migrations (version, description) VALUES (@version, @description);",
                connection,
                transaction);
            command.Parameters.AddWithValue("version", migration.Version);
            command.Parameters.AddWithValue("description", migration.Description);
            await command.ExecuteNonQueryAsync(cancellationToken);
            applied.Add(migration.Version);
            Log.MigrationApplied(logger, migration.Version, migration.Description, where);
        }

        await transaction.CommitAsync(cancellationToken);
        return applied;
    }
}
