namespace TriggerPlugins.Abstractions;

/// <summary>One run of an action for one call.</summary>
public sealed class ActionRequest
{
    /// <summary>The call the action runs for.</summary>
    public required CallEvent Call { get; init; }

    /// <summary>The account and configuration chosen in the trigger.</summary>
    public required ActionSettings Settings { get; init; }

    /// <summary>
    /// The delivery's id: the same across every retry of this action for this call. Use it to make
    /// the action idempotent, so a retry never creates a second record.
    /// </summary>
    public required string DeliveryId { get; init; }

    /// <summary>Which attempt this is, starting at 1.</summary>
    public int Attempt { get; init; } = 1;
}
