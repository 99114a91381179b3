using System.Security.Cryptography;
using System.Text;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// The incident id of a delivery: a name-based UUID (RFC 9562 version 8, SHA-256) of the delivery id,
/// so every retry of a delivery creates the same record, and a retried create is refused as a duplicate
/// instead of making a second ticket.
/// </summary>
internal static class IncidentIds
{
    // A fixed namespace for this plugin's incident ids (random, generated once).
    private static readonly Guid Namespace = new("5f0c6a8e-3b7d-4e21-9c4a-7d2e1b6f9a30");

    public static Guid FromDelivery(string deliveryId)
    {
        ArgumentException.ThrowIfNullOrEmpty(deliveryId);
        return NameBased("dynamics365/incident/" + deliveryId);
    }

    /// <summary>
    /// The incident of a call in one Dynamics environment (<c>ticketPer: call</c>): the same for every event, retry and
    /// host, so none can make a second ticket. Length prefixes keep (environment, call) pairs apart.
    /// </summary>
    public static Guid ForCall(Uri environment, string callKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(callKey);
        var web = environment.AbsoluteUri.ToLowerInvariant();
        return NameBased($"dynamics365/incident/call/{web.Length}:{web}|{callKey.Length}:{callKey}");
    }

    /// <summary>The phone call logged for a call's incident: one per incident, whatever retries or hosts do.</summary>
    public static Guid PhoneCallOf(Guid incidentId) => NameBased($"dynamics365/phonecall/{incidentId:D}");

    /// <summary>The contact created with a call's incident when no contact had the caller's number.</summary>
    public static Guid NewContactOf(Guid incidentId) => NameBased($"dynamics365/contact/{incidentId:D}");

    private static Guid NameBased(string text)
    {
        var name = Encoding.UTF8.GetBytes(text);
        var input = new byte[16 + name.Length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);

        var hash = SHA256.HashData(input).AsSpan(0, 16).ToArray();
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash, bigEndian: true);
    }
}
