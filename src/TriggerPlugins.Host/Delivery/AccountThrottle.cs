using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// Per account: at most <see cref="DeliveryOptions.MaxConcurrencyPerAccount"/> deliveries at once, and a token
/// bucket that lets <see cref="DeliveryOptions.RateLimitPermits"/> start per window, so a burst of calls does not
/// trip Dynamics' service-protection limits. The bucket is refilled by a timer of the host's
/// <see cref="TimeProvider"/> (not the limiter's own clock), so tests can drive it.
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
            using var lease = await gate.Bucket.AcquireAsync(1, cancellationToken);
            if (!lease.IsAcquired)
            {
                throw new InvalidOperationException($"The rate limiter of account '{account}' refused a permit.");
            }

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

    private sealed class Gate : IDisposable
    {
        private readonly ITimer _refill;

        public Gate(DeliveryOptions options, TimeProvider timeProvider)
        {
            Slots = new SemaphoreSlim(options.MaxConcurrencyPerAccount, options.MaxConcurrencyPerAccount);
            var period = options.RateLimitWindow / options.RateLimitPermits;
            Bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.RateLimitBurst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = period,
                AutoReplenishment = false,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
            _refill = timeProvider.CreateTimer(_ => Bucket.TryReplenish(), null, period, period);
        }

        public SemaphoreSlim Slots { get; }

        public TokenBucketRateLimiter Bucket { get; }

        public void Dispose()
        {
            _refill.Dispose();
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
