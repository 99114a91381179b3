namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// A token bucket on the host's <see cref="TimeProvider"/>: holds up to <c>capacity</c> tokens, gains one every
/// <c>interval</c>, and each start takes one. Waiters are served one at a time, in turn.
/// </summary>
/// <remarks>
/// System.Threading.RateLimiting's limiter measures elapsed time with its own stopwatch even when replenished by
/// hand, so it cannot follow a test clock; this one reads only the <see cref="TimeProvider"/>.
/// </remarks>
internal sealed class TokenBucket : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly TimeProvider _timeProvider;
    private readonly double _capacity;
    private readonly TimeSpan _interval;
    private double _tokens;
    private long _lastRefill;

    public TokenBucket(int capacity, TimeSpan interval, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _capacity = capacity;
        _tokens = capacity;
        _interval = interval;
        _timeProvider = timeProvider;
        _lastRefill = timeProvider.GetTimestamp();
    }

    /// <summary>Waits until a token is available and takes it.</summary>
    public async Task TakeAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            while (TryTake() is var wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _timeProvider, cancellationToken);
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();

    // Only the holder of _turn gets here, so the fields need no lock. Returns how long to wait, or zero when taken.
    private TimeSpan TryTake()
    {
        var now = _timeProvider.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + (_timeProvider.GetElapsedTime(_lastRefill, now) / _interval));
        _lastRefill = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return TimeSpan.Zero;
        }

        return _interval * (1 - _tokens);
    }
}
