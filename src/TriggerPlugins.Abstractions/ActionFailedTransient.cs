namespace TriggerPlugins.Abstractions;

/// <summary>A failure worth retrying later.</summary>
/// <param name="Reason">What went wrong.</param>
/// <param name="RetryAfter">How long the remote system asked to wait, if it said.</param>
public sealed record ActionFailedTransient(string Reason, TimeSpan? RetryAfter) : ActionOutcome;
