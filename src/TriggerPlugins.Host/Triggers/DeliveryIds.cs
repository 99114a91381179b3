using System.Security.Cryptography;
using System.Text;

namespace TriggerPlugins.Host.Triggers;

/// <summary>
/// Derives a delivery's id from what identifies it: the same event, trigger, action and environment always give the
/// same id, so a re-submitted event finds its delivery instead of creating a second one, and the plugin's
/// idempotency key (derived from the id) stays the same across retries.
/// </summary>
public static class DeliveryIds
{
    /// <summary>A name-based UUID (version 8, SHA-256) of the event id, the trigger name, the action index and the environment.</summary>
    /// <param name="eventId">The call event's id.</param>
    /// <param name="triggerName">The trigger's name.</param>
    /// <param name="actionIndex">The action's position in the trigger.</param>
    /// <param name="environment">
    /// What identifies the remote environment of the action's account (see <see cref="DeliveryEnvironments"/>);
    /// <see langword="null"/> when its plugin names none. Another environment gives another id, so a delivery done
    /// in one tenant is never reported as done in another.
    /// </param>
    public static string Create(string eventId, string triggerName, int actionIndex, string? environment = null)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ArgumentNullException.ThrowIfNull(triggerName);

        // Length prefixes keep ("a|b", "c") and ("a", "b|c") apart; no environment keeps the ids of earlier versions.
        var key = $"{eventId.Length}:{eventId}|{triggerName.Length}:{triggerName}|{actionIndex}"
            + (environment is null ? string.Empty : $"|{environment.Length}:{environment}");
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom, name-based
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
