namespace TriggerPlugins.Abstractions;

/// <summary>
/// The result of running an action: <see cref="ActionSucceeded"/>, <see cref="ActionFailedTransient"/>
/// or <see cref="ActionFailedPermanent"/>. Messages must be fit to show an admin and hold no secret.
/// </summary>
public abstract record ActionOutcome
{
    private protected ActionOutcome()
    {
    }

    /// <summary>A record was created (or found, on a retry) in the remote system.</summary>
    /// <param name="externalId">The record's id in the remote system.</param>
    /// <param name="number">The record's human-readable number (a ticket number), if any.</param>
    /// <param name="url">Where a person can open the record, if known.</param>
    /// <param name="notes">What is worth knowing (for example: the agent was not found, so the integration user owns it).</param>
    public static ActionSucceeded Success(string externalId, string? number = null, Uri? url = null, IReadOnlyList<string>? notes = null)
        => new(externalId, number, url, notes ?? []);

    /// <summary>The action may succeed later: the host retries it.</summary>
    /// <param name="reason">What went wrong.</param>
    /// <param name="retryAfter">How long the remote system asked to wait, if it said.</param>
    public static ActionFailedTransient Transient(string reason, TimeSpan? retryAfter = null) => new(reason, retryAfter);

    /// <summary>The action cannot succeed until someone changes something: the host does not retry it.</summary>
    /// <param name="reason">What is wrong and what to fix.</param>
    /// <param name="code">A stable code for the kind of failure (for example <c>auth.invalid-secret</c>).</param>
    public static ActionFailedPermanent Permanent(string reason, string? code = null) => new(reason, code);
}
