using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Dataverse;

/// <summary>
/// Carries an expected failure's outcome from deep in the pipeline to <see cref="Dynamics365Action"/>,
/// which returns it: it never leaves the plugin.
/// </summary>
internal sealed class ActionFailure : Exception
{
    public ActionFailure(ActionOutcome outcome)
        : base(outcome switch
        {
            ActionFailedPermanent permanent => permanent.Reason,
            ActionFailedTransient transient => transient.Reason,
            _ => "failure",
        })
    {
        Outcome = outcome;
    }

    public ActionOutcome Outcome { get; }
}
