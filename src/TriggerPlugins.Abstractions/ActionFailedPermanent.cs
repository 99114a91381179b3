namespace TriggerPlugins.Abstractions;

/// <summary>A failure that retrying cannot fix.</summary>
/// <param name="Reason">What is wrong and what to fix.</param>
/// <param name="Code">A stable code for the kind of failure, if any.</param>
public sealed record ActionFailedPermanent(string Reason, string? Code) : ActionOutcome;
