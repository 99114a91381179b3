using Microsoft.Extensions.Logging;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// The delivery side of the host: takes due deliveries from the store under a lease
/// (<see cref="IDeliveryStore.ClaimDueAsync"/>), runs one attempt each (<see cref="DeliveryProcessor.RunClaimedAsync"/>)
/// and loops. Nothing waits in memory for a retry: a transient failure is a due time in the store, and the slot is
/// free at once for other work. One account never holds back another: each account gets at most
/// <see cref="DeliveryOptions.MaxConcurrencyPerAccount"/> of the <see cref="WorkerOptions.MaxInFlight"/> slots, and
/// claims are fair across accounts. On stop, attempts in flight get <see cref="WorkerOptions.GracePeriod"/> to end;
/// the rest are interrupted and their leases released (pending, due now). When an account's attempts keep failing
/// (as many transient failures in a row as its concurrency, no success between: its Dynamics is down), the account is
/// paused until the last failure's retry is due, so an outage costs a few probing attempts, not one per queued call,
/// and never spends the account's request budget.
/// </summary>
public sealed class DeliveryWorkers
{
    // Claims are grouped: under a stream of events (each commit wakes the loop) at most one claim per interval, so the
    // claims never crowd the intake's commits out of the store's single writer.
    private static readonly TimeSpan MinClaimInterval = TimeSpan.FromMilliseconds(5);

    private readonly IDeliveryStore _store;
    private readonly DeliveryProcessor _processor;
    private readonly WorkerOptions _options;
    private readonly int _perAccountCapacity;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Dictionary<string, int> _busy = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Failures, DateTimeOffset Until)> _circuits = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _running = [];
    private readonly Lock _gate = new();
    private int _inFlight;
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the workers; nothing runs before <see cref="RunAsync"/>.</summary>
    public DeliveryWorkers(IDeliveryStore store, DeliveryProcessor processor, WorkerOptions options, DeliveryOptions deliveryOptions, TimeProvider timeProvider, ILogger<DeliveryWorkers> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(processor);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(deliveryOptions);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.Validate(deliveryOptions) is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _store = store;
        _processor = processor;
        _options = options;
        _perAccountCapacity = deliveryOptions.MaxConcurrencyPerAccount;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>This process's lease owner id: host, process id and a random part (unique per run).</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Raised after each attempt with the delivery as it then stands (succeeded, pending for a retry, dead-lettered).</summary>
    public event Action<DeliveryRecord>? Attempted;

    /// <summary>Attempts running now.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Tells the workers new deliveries may be due (the intake calls it after each commit).</summary>
    public void Wake() => Volatile.Read(ref _signal).TrySetResult();

    /// <summary>Runs until <paramref name="stoppingToken"/> fires, then stops gracefully (see the class summary).</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var attempts = new CancellationTokenSource();
        var lastClaim = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var sinceLast = _timeProvider.GetUtcNow() - lastClaim;
            if (sinceLast < MinClaimInterval)
            {
                try
                {
                    await Task.Delay(MinClaimInterval - sinceLast, _timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            lastClaim = _timeProvider.GetUtcNow();
            // Reset the signal before looking, so a wake-up during the claim is never missed.
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _signal, signal);
            var claimedAll = false;
            try
            {
                claimedAll = await ClaimAndStartAsync(attempts.Token, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // A store fault (disk full, file locked): keep the process up and try again after the poll interval.
                Log.ClaimFailed(_logger, exception.GetType().Name, exception.Message);
            }

            if (claimedAll)
            {
                continue;
            }

            try
            {
                var wait = await NextWaitAsync(stoppingToken);
                await signal.Task.WaitAsync(wait, _timeProvider, stoppingToken);
            }
            catch (TimeoutException)
            {
                // Time to look again.
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        await StopAsync(attempts);
    }

    // True when every free slot was filled: there may be more due work, so look again at once.
    private async Task<bool> ClaimAndStartAsync(CancellationToken attemptToken, CancellationToken stoppingToken)
    {
        int free;
        Dictionary<string, int> busy;
        lock (_gate)
        {
            _running.RemoveWhere(t => t.IsCompleted);
            free = _options.MaxInFlight - _inFlight;
            busy = new Dictionary<string, int>(_busy, StringComparer.Ordinal);
            var now = _timeProvider.GetUtcNow();
            foreach (var (account, circuit) in _circuits)
            {
                if (circuit.Until > now)
                {
                    busy[account] = _perAccountCapacity; // paused: no capacity until the circuit closes
                }
            }
        }

        if (free <= 0)
        {
            return false;
        }

        var claimed = await _store.ClaimDueAsync(
            new DeliveryClaim(Owner, _timeProvider.GetUtcNow(), _options.LeaseDuration, free, _perAccountCapacity, busy), stoppingToken);
        foreach (var delivery in claimed)
        {
            lock (_gate)
            {
                _inFlight++;
                _busy[delivery.Action.Account] = _busy.GetValueOrDefault(delivery.Action.Account) + 1;
                var task = RunOneAsync(delivery, attemptToken);
                if (!task.IsCompleted)
                {
                    _running.Add(task);
                }
            }
        }

        return claimed.Count > 0 && claimed.Count == free;
    }

    private async Task RunOneAsync(DeliveryRecord delivery, CancellationToken attemptToken)
    {
        await Task.Yield();
        try
        {
            var after = await _processor.RunClaimedAsync(delivery, attemptToken);
            if (after is not null)
            {
                Track(after);
                Attempted?.Invoke(after);
            }
        }
        catch (OperationCanceledException) when (attemptToken.IsCancellationRequested)
        {
            // Stopping: the processor put an interrupted attempt back to pending; a claim that never started is released below.
        }
        catch (Exception exception)
        {
            // The store failed while recording: the lease runs out (or is released on stop) and the delivery is taken again.
            Log.AttemptFailed(_logger, delivery.Id, exception.GetType().Name, exception.Message);
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
                var left = _busy[delivery.Action.Account] - 1;
                if (left == 0)
                {
                    _busy.Remove(delivery.Action.Account);
                }
                else
                {
                    _busy[delivery.Action.Account] = left;
                }
            }

            Wake();
        }
    }

    // Consecutive transient failures per account; as many as its concurrency open the circuit until the last retry is due.
    private void Track(DeliveryRecord after)
    {
        var account = after.Action.Account;
        lock (_gate)
        {
            if (after.Status != DeliveryStatus.Pending)
            {
                _circuits.Remove(account);
                return;
            }

            var failures = _circuits.GetValueOrDefault(account).Failures + 1;
            var until = failures >= _perAccountCapacity ? after.NextAttemptAt : DateTimeOffset.MinValue;
            _circuits[account] = (failures, until);
            if (failures == _perAccountCapacity)
            {
                Log.AccountPaused(_logger, account, failures, until);
            }
        }
    }

    // Until the earliest pending delivery is due, never longer than the poll interval. A delivery already due was just
    // left by the claim (its account is at capacity or paused, or an earlier delivery of its call runs): an attempt's
    // end or a new event wakes the loop before the poll interval.
    private async Task<TimeSpan> NextWaitAsync(CancellationToken stoppingToken)
    {
        var wait = _options.PollInterval;
        if (await _store.NextDueAsync(stoppingToken) is { } due)
        {
            var until = due - _timeProvider.GetUtcNow();
            wait = until > TimeSpan.Zero && until < wait ? until : wait;
        }

        return wait;
    }

    private async Task StopAsync(CancellationTokenSource attempts)
    {
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        Log.Stopping(_logger, running.Length, _options.GracePeriod);
        var all = Task.WhenAll(running);
        try
        {
            await all.WaitAsync(_options.GracePeriod, _timeProvider);
        }
        catch (TimeoutException)
        {
            await attempts.CancelAsync();
            await all;
        }

        var released = await _store.ReleaseLeasesAsync(Owner, _timeProvider.GetUtcNow(), CancellationToken.None);
        Log.Stopped(_logger, released);
    }
}
