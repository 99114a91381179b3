using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Events;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// The content hash of a call event: SHA-256 (hex) of its canonical JSON, the form the host writes, with the variables
/// in ordinal key order, so the same event re-sent with its variables in another order is still the same event.
/// </summary>
public static class EventHashes
{
    /// <summary>The hash of an event's JSON as the host stores it; the empty string (a purged event) hashes to the empty string.</summary>
    public static string Of(string eventJson)
    {
        ArgumentNullException.ThrowIfNull(eventJson);
        if (eventJson.Length == 0)
        {
            return string.Empty;
        }

        CallEvent? callEvent;
        try
        {
            callEvent = JsonSerializer.Deserialize<CallEvent>(eventJson, CallEventJson.Options);
        }
        catch (JsonException)
        {
            callEvent = null;
        }

        return Hex(callEvent is null ? eventJson : Canonical(callEvent));
    }

    /// <summary>The hash of <paramref name="callEvent"/>.</summary>
    public static string Of(CallEvent callEvent)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        return Hex(Canonical(callEvent));
    }

    private static string Canonical(CallEvent callEvent) => CallEventJson.Serialize(callEvent with
    {
        Variables = new SortedDictionary<string, string>(callEvent.Variables.ToDictionary(), StringComparer.Ordinal),
    });

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
