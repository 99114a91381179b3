using System.Diagnostics.CodeAnalysis;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Host.Tests.TestDoubles;

/// <summary>An <see cref="IActionRegistry"/> over a fixed set of actions, by id (case-insensitive, as the real one).</summary>
public sealed class DictionaryActionRegistry(params IIntegrationAction[] actions) : IActionRegistry
{
    private readonly Dictionary<string, IIntegrationAction> _actions = actions.ToDictionary(a => a.Id, StringComparer.OrdinalIgnoreCase);

    public bool TryGetAction(string pluginId, [NotNullWhen(true)] out IIntegrationAction? action) => _actions.TryGetValue(pluginId, out action);
}
