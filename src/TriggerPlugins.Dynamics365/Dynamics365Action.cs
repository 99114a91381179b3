using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365;

/// <summary>The "dynamics 365 integration" action. (Skeleton: filled in by the plugin work.)</summary>
public sealed class Dynamics365Action : IIntegrationAction
{
    public Dynamics365Action(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
    }

    public string Id => "dynamics365";

    public ValidationReport Validate(ActionSettings settings) => ValidationReport.Valid;

    public Task<ActionOutcome> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken)
        => Task.FromResult<ActionOutcome>(ActionOutcome.Permanent("not implemented yet"));
}
