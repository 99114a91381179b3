namespace TriggerPlugins.Host.Delivery;

/// <summary>What became of one action for one call event.</summary>
/// <param name="Delivery">The delivery as it stands: succeeded (ticket id, number, url) or dead-lettered (reason in <see cref="DeliveryRecord.LastError"/>).</param>
/// <param name="AlreadyKnown">True when the event had been submitted before: the existing delivery is reported, nothing ran twice.</param>
/// <param name="Conflict">True when the event's id was already used by an event with other content: nothing ran, and the new event was not delivered.</param>
public sealed record DeliveryResult(DeliveryRecord Delivery, bool AlreadyKnown, bool Conflict = false)
{
    /// <summary>True when the action succeeded.</summary>
    public bool Succeeded => Delivery.Status == DeliveryStatus.Succeeded;
}
