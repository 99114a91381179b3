using System.Collections.Concurrent;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// Per account: at most <see cref="DeliveryOptions.MaxConcurrencyPerAccount"/> deliveries at once, and a token
/// bucket that lets <see cref="DeliveryOptions.RateLimitPermits"/> start per window (after a burst of
/// <see cref="DeliveryOptions.RateLimitBurst"/>), so a burst of calls does not trip Dynamics' service-protection limits.
/// </summary>
internal sealed class AccountThrottle : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Gate>> _gates = new(StringComparer.Ordinal);
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _timeProvider;

    public AccountThrottle(DeliveryOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Waits for a slot and a permit for <paramref name="account"/>; dispose the result to free the slot.</summary>
    public async Task<IDisposable> EnterAsync(string account, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(account, _ => new Lazy<Gate>(() => new Gate(_options, _timeProvider))).Value;
        await gate.Slots.WaitAsync(cancellationToken);
        try
        {
            await gate.Bucket.TakeAsync(cancellationToken);
            return new Slot(gate.Slots);
        }
        catch
        {
            gate.Slots.Release();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var gate in _gates.Values.Where(g => g.IsValueCreated))
        {
            gate.Value.Dispose();
        }
    }

    private sealed class Gate(DeliveryOptions options, TimeProvider timeProvider) : IDisposable
    {
        public SemaphoreSlim Slots { get; } = new(options.MaxConcurrencyPerAccount, options.MaxConcurrencyPerAccount);

        public TokenBucket Bucket { get; } = new(options.RateLimitBurst, options.RateLimitWindow / options.RateLimitPermits, timeProvider);

        public void Dispose()
        {
            Bucket.Dispose();
            Slots.Dispose();
        }
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
