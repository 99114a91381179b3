using System.Text.Json;
using Npgsql;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Storage.PostgreSql.Tests;

/// <summary>What only the PostgreSQL store has: versioned migrations shared by hosts, and its connection errors.</summary>
[Collection(PostgreSqlTests.Name)]
public sealed class PostgreSqlStoreTests(PostgreSqlServer server)
{
    [Fact]
    public async Task Hosts_starting_together_on_an_empty_database_apply_each_migration_once()
    {
        var connectionString = await server.Cluster.CreateDatabaseAsync();

        var stores = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostgreSqlDeliveryStore.OpenAsync(connectionString)));
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        Assert.Equal(
            Migrations.All.Select(m => (m.Version, m.Description)),
            await QueryAsync(connectionString, "SELECT version, description FROM schema_migrations ORDER BY version", r => (r.GetInt32(0), r.GetString(1))));
    }

    [Fact]
    public async Task A_database_migrated_by_a_newer_build_is_refused_with_what_to_do()
    {
        var connectionString = await server.Cluster.CreateDatabaseAsync();
        await (await PostgreSqlDeliveryStore.OpenAsync(connectionString)).DisposeAsync();
        await QueryAsync(connectionString, $"INSERT INTO schema_migrations (version, description) VALUES ({Migrations.Latest + 1}, 'from the future') RETURNING version", r => r.GetInt32(0));

        var error = await Assert.ThrowsAsync<DeliveryStoreException>(() => PostgreSqlDeliveryStore.OpenAsync(connectionString));

        Assert.Equal(
            $"the delivery store at 127.0.0.1:{server.Cluster.Port}/{new NpgsqlConnectionStringBuilder(connectionString).Database} has schema version {Migrations.Latest + 1}, newer than this build knows ({Migrations.Latest}): upgrade `triggers` on this host to the version the other hosts run.",
            error.Message);
    }

    [Fact]
    public async Task A_store_that_cannot_be_reached_says_where_and_what_to_check_without_the_password()
    {
        var connectionString = $"Host=127.0.0.1;Port={server.Cluster.Port};Database=no_such_database;Username=triggers_admin;Password=s3cret-Pa55";

        var error = await Assert.ThrowsAsync<DeliveryStoreException>(() => DeliveryStores.OpenAsync($"postgres:{connectionString}", "/unused", DeliveryStoreOpenMode.CreateIfMissing));

        Assert.Equal(
            $"cannot open the PostgreSQL delivery store at 127.0.0.1:{server.Cluster.Port}/no_such_database: 3D000: database \"no_such_database\" does not exist. Check TRIGGERS_STORE, that the server runs and accepts this user, and that the database exists.",
            error.Message);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_not_listening_is_one_line_naming_host_and_port()
    {
        var error = await Assert.ThrowsAsync<DeliveryStoreException>(() => PostgreSqlDeliveryStore.OpenAsync("Host=127.0.0.1;Port=1;Database=triggers;Password=s3cret;Timeout=5"));

        Assert.StartsWith("cannot open the PostgreSQL delivery store at 127.0.0.1:1/triggers: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", TestCategory.Slow)] // writes a backlog of 40,000 deliveries
    public async Task A_claim_over_a_large_backlog_is_not_compiled_and_reads_a_few_hundred_pages()
    {
        var connectionString = await server.Cluster.CreateDatabaseAsync();
        await using var store = await PostgreSqlDeliveryStore.OpenAsync(connectionString);
        var now = new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
        // One account's backlog past jit_above_cost for the claim's estimate, and large enough for a plan that scans
        // the backlog for each candidate to read thousands of pages.
        foreach (var chunk in Enumerable.Range(0, 40_000).Chunk(5_000))
        {
            await store.EnqueueManyAsync([.. chunk.Select(i => DeliveryStoreContract.Delivery($"call-{i}"))], now, default);
        }

        // Before the table's first ANALYZE (a burst right after the start), then after it (autovacuum's work).
        foreach (var analyzed in new[] { false, true })
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            if (analyzed)
            {
                await using var analyze = new NpgsqlCommand("ANALYZE deliveries", connection);
                await analyze.ExecuteNonQueryAsync();
            }

            await using var transaction = await connection.BeginTransactionAsync();
            await using (var preamble = new NpgsqlCommand(PostgreSqlDeliveryStore.ClaimPreambleSql, connection, transaction))
            {
                preamble.Parameters.AddWithValue("key", PostgreSqlDeliveryStore.ClaimLockKey);
                await preamble.ExecuteNonQueryAsync();
            }

            await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + PostgreSqlDeliveryStore.ClaimSql, connection, transaction);
            explain.Parameters.AddWithValue("now", now);
            explain.Parameters.AddWithValue("expires", now.AddMinutes(10));
            explain.Parameters.AddWithValue("owner", "worker");
            explain.Parameters.AddWithValue("limit", 16);
            explain.Parameters.AddWithValue("capacity", 16);
            explain.Parameters.Add(new NpgsqlParameter("busy", NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = "{}" });
            using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
            await transaction.RollbackAsync();

            var root = plan.RootElement[0];
            Assert.False(root.TryGetProperty("JIT", out _), $"the claim was compiled by PostgreSQL's JIT (analyzed: {analyzed})");
            var top = root.GetProperty("Plan");
            Assert.Equal(16, top.GetProperty("Actual Rows").GetInt32());
            var pages = top.GetProperty("Shared Hit Blocks").GetInt64() + top.GetProperty("Shared Read Blocks").GetInt64();
            Assert.True(pages < 1_000, $"the claim read {pages} pages for 16 deliveries (analyzed: {analyzed})");
        }
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Pasword=x", "the PostgreSQL connection string is invalid: ")]
    [InlineData("Database=triggers", "the PostgreSQL connection string names no server: add 'Host=<server>' (and Database=, Username=).")]
    public async Task An_invalid_connection_string_is_refused_before_any_connection(string connectionString, string expected)
    {
        var error = await Assert.ThrowsAsync<DeliveryStoreException>(() => PostgreSqlDeliveryStore.OpenAsync(connectionString));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<T>> QueryAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
