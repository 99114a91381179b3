namespace TriggerPlugins.Host.Delivery;

/// <summary>What became of one action for one call event.</summary>
/// <param name="Delivery">The delivery as it stands: succeeded (ticket id, number, url) or dead-lettered (reason in <see cref="DeliveryRecord.LastError"/>).</param>
/// <param name="AlreadyKnown">
/// True when the delivery had settled (succeeded or dead-lettered) before this dispatch, because the event was
/// submitted before: the earlier outcome is reported and nothing ran. False when it ran now, including a resumed or
/// retried delivery.
/// </param>
/// <param name="Conflict">True when the event's id was already used by an event with other content: nothing ran, and the new event was not delivered.</param>
public sealed record DeliveryResult(DeliveryRecord Delivery, bool AlreadyKnown, bool Conflict = false)
{
    /// <summary>True when the action succeeded.</summary>
    public bool Succeeded => Delivery.Status == DeliveryStatus.Succeeded;
}
