namespace TriggerPlugins.Host.Delivery;

/// <summary>What became of one action for one call event.</summary>
/// <param name="Delivery">The delivery as it stands: succeeded (ticket id, number, url) or dead-lettered (reason in <see cref="DeliveryRecord.LastError"/>).</param>
/// <param name="AlreadyKnown">True when the event had been submitted before: the existing delivery is reported, nothing ran twice.</param>
public sealed record DeliveryResult(DeliveryRecord Delivery, bool AlreadyKnown)
{
    /// <summary>True when the action succeeded.</summary>
    public bool Succeeded => Delivery.Status == DeliveryStatus.Succeeded;
}
