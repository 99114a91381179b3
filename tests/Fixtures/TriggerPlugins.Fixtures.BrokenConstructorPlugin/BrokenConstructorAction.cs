using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Fixtures.BrokenConstructorPlugin;

/// <summary>Fails in its constructor, as a plugin does when its start-up check fails.</summary>
public sealed class BrokenConstructorAction : IIntegrationAction
{
    /// <summary>The message of the exception the constructor throws.</summary>
    public const string FailureMessage = "the fixture's license file is missing";

    public BrokenConstructorAction(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        throw new InvalidOperationException(FailureMessage);
    }

    public string Id => "broken-constructor";

    public ValidationReport Validate(ActionSettings settings) => ValidationReport.Valid;

    public Task<ActionOutcome> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken)
        => Task.FromResult<ActionOutcome>(ActionOutcome.Permanent("never created"));
}
