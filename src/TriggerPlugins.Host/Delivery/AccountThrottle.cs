using System.Collections.Concurrent;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// Per account: at most <see cref="DeliveryOptions.MaxConcurrencyPerAccount"/> deliveries at once. The request rate is
/// not paced here: a delivery's number of requests is the plugin's business, so the plugin paces each Dynamics user to
/// its service-protection limits and closes the user after a 429.
/// </summary>
internal sealed class AccountThrottle : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<SemaphoreSlim>> _slots = new(StringComparer.Ordinal);
    private readonly DeliveryOptions _options;

    public AccountThrottle(DeliveryOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
    }

    /// <summary>Waits for a slot for <paramref name="account"/>; dispose the result to free the slot.</summary>
    public async Task<IDisposable> EnterAsync(string account, CancellationToken cancellationToken)
    {
        var slots = _slots.GetOrAdd(account, _ => new Lazy<SemaphoreSlim>(() => new SemaphoreSlim(_options.MaxConcurrencyPerAccount, _options.MaxConcurrencyPerAccount))).Value;
        await slots.WaitAsync(cancellationToken);
        return new Slot(slots);
    }

    public void Dispose()
    {
        foreach (var slots in _slots.Values.Where(s => s.IsValueCreated))
        {
            slots.Value.Dispose();
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
