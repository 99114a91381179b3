using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// Group commit for the SQLite store's writes: the writes queued while a commit is on its way to disk go to the next
/// one together, in one transaction, so one fsync (<c>synchronous=FULL</c>, about 6 ms on this project's machines)
/// serves the intake's new deliveries and the workers' settles alike. Without it every settle is a commit of its own,
/// and at a few hundred tickets a second the settles alone take every fsync the disk can do, starving the intake.
/// </summary>
/// <remarks>
/// Hand-written: the queue is a <see cref="Channel{T}"/>, but no library groups ADO.NET commands into shared
/// transactions. When a group fails (a full disk, a lock held by another process), it is rolled back and each write
/// runs again alone, so one write's failure is never another's: every write gets its own result or its own error.
/// A caller that stops waiting (its token fires) does not withdraw its write: it may still commit.
/// </remarks>
internal sealed class SqliteGroupCommit : IDisposable
{
    // The most writes one commit takes; a bigger backlog is written in several commits.
    private const int MaxGroup = 1024;

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<CancellationToken, Task<SqliteConnection>> _open;
    private readonly SemaphoreSlim _writeGate;
    private readonly Func<SqliteException, Exception> _translate;
    private readonly Task _loop;

    /// <param name="open">Opens a connection with the store's settings.</param>
    /// <param name="writeGate">The store's one-writer gate, held while a group is written.</param>
    /// <param name="translate">Turns a SQLite error into the store's exception.</param>
    public SqliteGroupCommit(Func<CancellationToken, Task<SqliteConnection>> open, SemaphoreSlim writeGate, Func<SqliteException, Exception> translate)
    {
        _open = open;
        _writeGate = writeGate;
        _translate = translate;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Commits and releases everything: after it the store takes no more writes.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="write"/> in the next group's transaction; returns once that transaction is committed.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<T>(write);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteDeliveryStore), "The delivery store is closed.");
        }

        return pending.Result.WaitAsync(cancellationToken);
    }

    private async Task LoopAsync()
    {
        var group = new List<PendingWrite>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var write))
            {
                group.Add(write);
            }

            await _writeGate.WaitAsync();
            try
            {
                if (group.Count == 1 || !await TryCommitAsync(group))
                {
                    foreach (var write in group)
                    {
                        await TryCommitAsync([write]);
                    }
                }
            }
            finally
            {
                _writeGate.Release();
            }
        }
    }

    // Writes the group in one transaction; on success every write is completed, on failure none is (the group is
    // rolled back). A group of one is completed either way: with its result or its error.
    private async Task<bool> TryCommitAsync(IReadOnlyList<PendingWrite> group)
    {
        try
        {
            await using var connection = await _open(CancellationToken.None);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            foreach (var write in group)
            {
                await write.RunAsync(connection, transaction);
            }

            await transaction.CommitAsync();
        }
        catch (Exception exception) when (group.Count > 1 && exception is not OutOfMemoryException)
        {
            return false;
        }
        catch (Exception exception)
        {
            group[0].Fail(exception is SqliteException sqlite ? _translate(sqlite) : exception);
            return true;
        }

        foreach (var write in group)
        {
            write.Complete();
        }

        return true;
    }

    private abstract class PendingWrite
    {
        public abstract Task RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> write) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Result => _done.Task;

        public override async Task RunAsync(SqliteConnection connection, SqliteTransaction transaction) => _result = await write(connection, transaction);

        public override void Complete() => _done.TrySetResult(_result);

        public override void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
