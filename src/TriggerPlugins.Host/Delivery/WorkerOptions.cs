namespace TriggerPlugins.Host.Delivery;

/// <summary>How <see cref="DeliveryWorkers"/> take deliveries from the store. Checked by <see cref="Validate"/> at start.</summary>
public sealed class WorkerOptions
{
    /// <summary>The most deliveries in flight at once in this process, all accounts together. Default 256.</summary>
    public int MaxInFlight { get; set; } = 256;

    /// <summary>
    /// How long a claimed delivery stays leased to this process. Past it, another worker may take it again (its owner
    /// is presumed dead), so it must exceed the attempt timeout plus the wait for the account's rate limit. Default 10 minutes.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest the workers sleep before looking at the store again (for work added by another process). Default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>On stop, how long attempts in flight may run to their end before they are interrupted and released. Default 10 seconds.</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Every problem with the options, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate(DeliveryOptions delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var problems = new List<string>();
        if (MaxInFlight is < 1 or > 4096)
        {
            problems.Add($"{nameof(MaxInFlight)} is {MaxInFlight}; it must be between 1 and 4096.");
        }

        if (LeaseDuration <= delivery.AttemptTimeout)
        {
            problems.Add($"{nameof(LeaseDuration)} ({LeaseDuration}) must be longer than the attempt timeout ({delivery.AttemptTimeout}), or a running attempt could be taken by another worker.");
        }

        if (PollInterval <= TimeSpan.Zero || GracePeriod < TimeSpan.Zero)
        {
            problems.Add($"{nameof(PollInterval)} must be more than zero and {nameof(GracePeriod)} zero or more.");
        }

        return problems;
    }
}
