using System.Security.Cryptography;
using System.Text;

namespace TriggerPlugins.Host.Triggers;

/// <summary>
/// Derives a delivery's id from what identifies it: the same event, trigger and action always give the same
/// id, so a re-submitted event finds its delivery instead of creating a second one, and the plugin's
/// idempotency key (derived from the id) stays the same across retries.
/// </summary>
public static class DeliveryIds
{
    /// <summary>
    /// The key that groups one call's deliveries in the store (they run one at a time, in accept order): the contract's
    /// <see cref="TriggerPlugins.Abstractions.CallEvent.CallKey"/>, the call id, or the event id when the contact center sends none.
    /// </summary>
    public static string CallKey(TriggerPlugins.Abstractions.CallEvent callEvent)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        return callEvent.CallKey;
    }

    /// <summary>A name-based UUID (version 8, SHA-256) of the event id, the trigger name and the action index.</summary>
    public static string Create(string eventId, string triggerName, int actionIndex)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(triggerName);

        // Length prefixes keep ("a|b", "c") and ("a", "b|c") apart.
        var key = $"{eventId.Length}:{eventId}|{triggerName.Length}:{triggerName}|{actionIndex}";
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom, name-based
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
