namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// The delay before the next attempt: exponential from <see cref="DeliveryOptions.BaseDelay"/>, capped at
/// <see cref="DeliveryOptions.MaxDelay"/>, with "equal jitter" (a random point in the upper half) so a burst of
/// failed deliveries does not retry in lock-step; never shorter than the service's Retry-After.
/// </summary>
internal static class Backoff
{
    public static TimeSpan NextDelay(int attempt, TimeSpan? retryAfter, DeliveryOptions options, Random random)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = TimeSpan.FromTicks((long)Math.Min(options.BaseDelay.Ticks * Math.Pow(2, exponent), options.MaxDelay.Ticks));
        var jittered = (ceiling / 2) + (ceiling / 2 * random.NextDouble());
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }
}
