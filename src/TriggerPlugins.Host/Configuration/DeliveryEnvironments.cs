using System.Text.Json;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Configuration;

/// <summary>
/// The environment an action delivers to, as its plugin's manifest defines it (<see cref="PluginManifest.EnvironmentFields"/>):
/// the values of those fields of the action's account. Part of the delivery id (<see cref="DeliveryIds"/>), so
/// "already delivered" holds only for the environment it was delivered to: an account pointed at another tenant,
/// or an emulator restarted with a new, empty tenant (and a new certificate), gets new deliveries.
/// </summary>
public static class DeliveryEnvironments
{
    /// <summary>A function from an action to its environment key; <see langword="null"/> when its plugin names no environment fields.</summary>
    public static Func<TriggerAction, string?> From(TriggerConfiguration configuration, IEnumerable<PluginManifest> manifests)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(manifests);
        var fieldsByPlugin = manifests.Where(m => m.EnvironmentFields.Count > 0).ToDictionary(m => m.Id, m => m.EnvironmentFields, StringComparer.Ordinal);
        var keys = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, account) in configuration.Accounts)
        {
            keys[name] = fieldsByPlugin.TryGetValue(account.Plugin, out var fields) ? KeyOf(account.Settings, fields) : null;
        }

        return action => keys.GetValueOrDefault(action.Account);
    }

    /// <summary>The key of an account's environment: <c>field=value</c> pairs of the fields present, URLs without a trailing slash, case-insensitive.</summary>
    public static string KeyOf(JsonElement account, IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var parts = new List<string>(fields.Count);
        foreach (var field in fields)
        {
            if (account.ValueKind == JsonValueKind.Object
                && account.TryGetProperty(field, out var value)
                && value.ValueKind == JsonValueKind.String
                && value.GetString() is { Length: > 0 } text)
            {
                parts.Add($"{field}={text.Trim().TrimEnd('/').ToUpperInvariant()}");
            }
        }

        return string.Join('\n', parts);
    }
}
