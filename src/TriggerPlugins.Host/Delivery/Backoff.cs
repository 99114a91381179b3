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
        // In doubles, then capped: BaseDelay * 2^30 can exceed TimeSpan's range; MaxDelay cannot.
        var ceiling = TimeSpan.FromTicks((long)Math.Min(options.BaseDelay.Ticks * Math.Pow(2, exponent), options.MaxDelay.Ticks));
        var jittered = (ceiling / 2) + (ceiling / 2 * random.NextDouble());

        // A service asking for more than the whole deadline gets just past it (no overflow): the delivery is then
        // dead-lettered at once, not parked for years.
        var asked = retryAfter is { } value ? TimeSpan.FromTicks(Math.Clamp(value.Ticks, 0, options.Deadline.Ticks + 1)) : TimeSpan.Zero;
        return asked > jittered ? asked : jittered;
    }

    /// <summary><paramref name="time"/> + <paramref name="delay"/>, or the latest representable time instead of an overflow.</summary>
    public static DateTimeOffset AddSaturating(DateTimeOffset time, TimeSpan delay) =>
        delay > TimeSpan.Zero && DateTimeOffset.MaxValue.UtcDateTime - time.UtcDateTime <= delay
            ? DateTimeOffset.MaxValue
            : time + delay;
}
