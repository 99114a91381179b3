using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Triggers;

/// <summary>A trigger as loaded from <c>triggers/&lt;name&gt;.json</c>, its conditions compiled.</summary>
public sealed class TriggerDefinition
{
    internal TriggerDefinition(
        string name,
        string source,
        bool enabled,
        IReadOnlySet<CallEventKind> on,
        TriggerMatch match,
        IReadOnlyList<Condition> conditions,
        IReadOnlyList<TriggerAction> actions)
    {
        Name = name;
        Source = source;
        Enabled = enabled;
        On = on;
        Match = match;
        Conditions = conditions;
        Actions = actions;
    }

    /// <summary>The trigger's name: its file name without <c>.json</c>.</summary>
    public string Name { get; }

    /// <summary>The file it came from, relative to the config folder.</summary>
    public string Source { get; }

    /// <summary>False when the trigger is switched off: it matches nothing.</summary>
    public bool Enabled { get; }

    /// <summary>The event kinds the trigger fires on.</summary>
    public IReadOnlySet<CallEventKind> On { get; }

    /// <summary>Whether all conditions or any one of them must hold.</summary>
    public TriggerMatch Match { get; }

    /// <summary>The actions to run, in order, when the trigger matches.</summary>
    public IReadOnlyList<TriggerAction> Actions { get; }

    internal IReadOnlyList<Condition> Conditions { get; }
}

/// <summary>How a trigger combines its conditions.</summary>
public enum TriggerMatch
{
    /// <summary>Every condition must hold (<c>"all"</c>).</summary>
    All,

    /// <summary>At least one condition must hold (<c>"any"</c>).</summary>
    Any,
}

/// <summary>One action of a trigger: which plugin runs, with which account and configuration.</summary>
/// <param name="Plugin">The plugin id (for example <c>dynamics365</c>).</param>
/// <param name="Account">The account's name (<c>accounts/&lt;name&gt;.json</c>).</param>
/// <param name="Configuration">The configuration's name (<c>configurations/&lt;name&gt;.json</c>).</param>
public sealed record TriggerAction(string Plugin, string Account, string Configuration);
