using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Triggers;

/// <summary>Checks a call event against every trigger and plans the actions of those that match. Thread-safe.</summary>
public sealed class TriggerEngine
{
    private readonly IReadOnlyList<TriggerDefinition> _triggers;
    private readonly ILogger _logger;
    private readonly Func<TriggerAction, string?> _environmentOf;

    /// <summary>Creates an engine over loaded triggers (see <c>TriggerConfiguration.Triggers</c>).</summary>
    /// <param name="triggers">The triggers.</param>
    /// <param name="logger">Where to log matches.</param>
    /// <param name="environmentOf">The environment of an action's account, part of its delivery id (<see cref="DeliveryEnvironments.From"/>); none by default.</param>
    public TriggerEngine(IEnumerable<TriggerDefinition> triggers, ILogger<TriggerEngine>? logger = null, Func<TriggerAction, string?>? environmentOf = null)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        _triggers = [.. triggers.OrderBy(t => t.Name, StringComparer.Ordinal)];
        _logger = logger ?? NullLogger<TriggerEngine>.Instance;
        _environmentOf = environmentOf ?? (_ => null);
    }

    /// <summary>The triggers, by name.</summary>
    public IReadOnlyList<TriggerDefinition> Triggers => _triggers;

    /// <summary>The actions to run for <paramref name="callEvent"/>: each action of each matching trigger, once, in trigger-name order.</summary>
    public IReadOnlyList<PlannedAction> Match(CallEvent callEvent)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        var planned = new List<PlannedAction>();
        foreach (var trigger in _triggers)
        {
            if (!Matches(trigger, callEvent))
            {
                continue;
            }

            Log.TriggerMatched(_logger, callEvent.Id, trigger.Name);

            for (var index = 0; index < trigger.Actions.Count; index++)
            {
                var action = trigger.Actions[index];
                planned.Add(new PlannedAction(DeliveryIds.Create(callEvent.Id, trigger.Name, index, _environmentOf(action)), trigger.Name, index, action));
            }
        }

        return planned;
    }

    private bool Matches(TriggerDefinition trigger, CallEvent callEvent)
    {
        if (!trigger.Enabled || !trigger.On.Contains(callEvent.Kind))
        {
            return false;
        }

        if (trigger.Conditions.Count == 0)
        {
            return true;
        }

        return trigger.Match == TriggerMatch.All
            ? trigger.Conditions.All(c => IsMet(trigger, c, callEvent))
            : trigger.Conditions.Any(c => IsMet(trigger, c, callEvent));
    }

    private bool IsMet(TriggerDefinition trigger, Condition condition, CallEvent callEvent)
    {
        try
        {
            return condition.IsMetBy(callEvent);
        }
        catch (RegexMatchTimeoutException)
        {
            Log.ConditionTimedOut(_logger, condition.ToString(), trigger.Name, callEvent.Id);
            return false;
        }
    }
}
