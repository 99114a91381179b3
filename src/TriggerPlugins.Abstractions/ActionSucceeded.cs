namespace TriggerPlugins.Abstractions;

/// <summary>A record was created (or found, on a retry).</summary>
/// <param name="ExternalId">The record's id in the remote system.</param>
/// <param name="Number">The record's human-readable number, if any.</param>
/// <param name="Url">Where a person can open the record, if known.</param>
/// <param name="Notes">What is worth knowing about how it was created.</param>
public sealed record ActionSucceeded(string ExternalId, string? Number, Uri? Url, IReadOnlyList<string> Notes) : ActionOutcome;
