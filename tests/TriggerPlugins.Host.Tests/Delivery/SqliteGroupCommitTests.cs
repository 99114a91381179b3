using Microsoft.Data.Sqlite;
using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Host.Tests.Delivery;

/// <summary>
/// The store's group commit: writes queued together share one transaction, yet each gets its own result, and one
/// write's failure is never another's (the group is rolled back and each write runs again alone).
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"group-commit-{Guid.NewGuid():N}.db");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _transactions;

    public SqliteGroupCommitTests()
    {
        using var connection = new SqliteConnection($"Data Source={_path}");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER NOT NULL UNIQUE);";
        create.ExecuteNonQuery();
    }

    [Fact]
    public async Task Writes_queued_while_a_commit_runs_go_to_disk_together_in_the_next_one()
    {
        using var commits = new SqliteGroupCommit(OpenAsync, _gate, e => e);

        // The gate is held while 40 writes are queued: the writer takes what it found when it woke and waits for the
        // gate; everything queued meanwhile is the next group. So at most two transactions, whatever the timing.
        await _gate.WaitAsync();
        var writes = Enumerable.Range(1, 40).Select(i => commits.WriteAsync((c, t) => InsertAsync(c, t, i), CancellationToken.None)).ToList();
        _gate.Release();

        Assert.All(await Task.WhenAll(writes), rows => Assert.Equal(1, rows));
        Assert.Equal(40, Count());
        Assert.InRange(_transactions, 1, 2);
    }

    [Fact]
    public async Task A_failing_write_fails_alone_and_the_others_of_its_group_are_committed()
    {
        using var commits = new SqliteGroupCommit(OpenAsync, _gate, e => new InvalidOperationException($"translated: {e.SqliteErrorCode}", e));

        await _gate.WaitAsync();
        // x = 0 for i = 0 and every i ending in 9: the repeats break UNIQUE (SQLITE_CONSTRAINT, 19).
        var writes = Enumerable.Range(0, 40).Select(i => commits.WriteAsync((c, t) => InsertAsync(c, t, i % 10 == 9 ? 0 : i), CancellationToken.None)).ToList();
        _gate.Release();
        var results = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                return (Rows: await w, Error: (string?)null);
            }
            catch (InvalidOperationException exception)
            {
                return (Rows: 0, Error: exception.Message);
            }
        }));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % 10 == 9 ? (0, "translated: 19") : (1, null), results[i]);
        }

        Assert.Equal(36, Count());
    }

    [Fact]
    public async Task After_dispose_a_write_is_refused_and_queued_ones_were_committed()
    {
        var commits = new SqliteGroupCommit(OpenAsync, _gate, e => e);
        var queued = commits.WriteAsync((c, t) => InsertAsync(c, t, 1), CancellationToken.None);
        commits.Dispose();

        Assert.Equal(1, await queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => commits.WriteAsync((c, t) => InsertAsync(c, t, 2), CancellationToken.None));
        Assert.Equal(1, Count());
    }

    public void Dispose()
    {
        _gate.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _transactions);
        var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<int> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, int x)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO t (x) VALUES ($x)";
        insert.Parameters.AddWithValue("$x", x);
        return await insert.ExecuteNonQueryAsync();
    }

    private int Count()
    {
        using var connection = new SqliteConnection($"Data Source={_path}");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM t";
        return Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
