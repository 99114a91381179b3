namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// Runs the work of one call (keyed by <see cref="Abstractions.CallEvent.CallKey"/>) one piece at a time, in the order it
/// arrived: each piece waits for the one before it on the same key. Work for other calls runs in parallel.
/// A key's entry is dropped when its last piece ends, so memory follows the calls in progress only.
/// </summary>
internal sealed class CallSequencer
{
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);

    /// <summary>How many calls have work queued or running.</summary>
    public int ActiveCalls
    {
        get
        {
            lock (_tails)
            {
                return _tails.Count;
            }
        }
    }

    public async Task<T> RunAsync<T>(string callKey, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (_tails)
        {
            previous = _tails.GetValueOrDefault(callKey) ?? Task.CompletedTask;
            _tails[callKey] = done.Task;
        }

        try
        {
            await previous.WaitAsync(cancellationToken).ConfigureAwait(false);
            return await work().ConfigureAwait(false);
        }
        finally
        {
            // A waiter cancelled before its turn must still not let the next one overtake the running one.
            _ = previous.ContinueWith(_ => Finish(callKey, done), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Finish(string callKey, TaskCompletionSource done)
    {
        lock (_tails)
        {
            if (_tails.TryGetValue(callKey, out var tail) && tail == done.Task)
            {
                _tails.Remove(callKey);
            }
        }

        done.TrySetResult();
    }
}
