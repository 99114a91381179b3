namespace TriggerPlugins.Host.Triggers;

/// <summary>An action the engine decided to run for a call event.</summary>
/// <param name="DeliveryId">Deterministic for (event id, trigger, action index): see <see cref="DeliveryIds"/>.</param>
/// <param name="TriggerName">The trigger that matched.</param>
/// <param name="ActionIndex">The action's 0-based position in the trigger.</param>
/// <param name="Action">The plugin, account and configuration to run.</param>
public sealed record PlannedAction(string DeliveryId, string TriggerName, int ActionIndex, TriggerAction Action);
