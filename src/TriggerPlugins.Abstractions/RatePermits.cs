namespace TriggerPlugins.Abstractions;

/// <summary>The answer of <see cref="ISharedRateLimits.TakeAsync"/> (contract 1.2). Durations are from when it was answered.</summary>
public sealed class RatePermits
{
    /// <summary>Creates an answer.</summary>
    /// <param name="granted">Permits granted, from 0 to the number wanted.</param>
    /// <param name="useWithin">The granted permits must be used (their requests sent) within this time, or not at all.</param>
    /// <param name="retryAfter">When none is granted: how long until the budget frees a permit (or the key reopens).</param>
    /// <param name="closedFor">How long the key stays closed (<see cref="ISharedRateLimits.CloseAsync"/>); null when open.</param>
    public RatePermits(int granted, TimeSpan useWithin, TimeSpan retryAfter, TimeSpan? closedFor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(granted);
        Granted = granted;
        UseWithin = useWithin;
        RetryAfter = retryAfter;
        ClosedFor = closedFor;
    }

    /// <summary>Permits granted, from 0 to the number wanted.</summary>
    public int Granted { get; }

    /// <summary>The granted permits must be used within this time, or not at all.</summary>
    public TimeSpan UseWithin { get; }

    /// <summary>When none is granted: how long until asking again can succeed; zero otherwise.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>How long the key stays closed by a <see cref="ISharedRateLimits.CloseAsync"/>; null when it is open.</summary>
    public TimeSpan? ClosedFor { get; }
}
