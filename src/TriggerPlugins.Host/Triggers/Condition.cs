using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Triggers;

/// <summary>One compiled condition of a trigger (<c>queue in [support, sales]</c>).</summary>
internal sealed class Condition(string field, string @operator, string value, Func<CallEvent, bool> test)
{
    public string Field { get; } = field;

    public bool IsMetBy(CallEvent callEvent) => test(callEvent);

    public override string ToString() => $"{Field} {@operator} {value}";
}
