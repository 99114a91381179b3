namespace TriggerPlugins.DataverseEmulator.Faults;

/// <summary>The random fault chosen for one Web API request.</summary>
internal enum RandomFault
{
    None,
    DropConnection,
    TooManyRequests,
    ServerError,
}

/// <summary>
/// Draws random faults. With a seed, a sequence of requests sent one after another gets the same faults on every run.
/// </summary>
internal sealed class FaultInjector(int? seed)
{
    private readonly Lock _gate = new();

    // Random is not thread-safe; the lock also keeps the seeded sequence intact.
    private readonly Random _random = seed is { } s ? new Random(s) : new Random();

    public RandomFault Draw(FaultSettings settings)
    {
        if (settings.DropConnectionRate + settings.TooManyRequestsRate + settings.ServerErrorRate <= 0)
        {
            return RandomFault.None;
        }

        double roll;
        lock (_gate)
        {
            roll = _random.NextDouble();
        }

        if (roll < settings.DropConnectionRate)
        {
            return RandomFault.DropConnection;
        }

        roll -= settings.DropConnectionRate;
        if (roll < settings.TooManyRequestsRate)
        {
            return RandomFault.TooManyRequests;
        }

        roll -= settings.TooManyRequestsRate;
        return roll < settings.ServerErrorRate ? RandomFault.ServerError : RandomFault.None;
    }
}
