using System.Diagnostics.CodeAnalysis;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Plugins;

/// <summary>Finds a loaded plugin's action by plugin id; the trigger engine depends on this, not on how plugins are loaded.</summary>
public interface IActionRegistry
{
    /// <summary>Finds the action of the plugin with the given id (case-insensitive).</summary>
    bool TryGetAction(string pluginId, [NotNullWhen(true)] out IIntegrationAction? action);
}
