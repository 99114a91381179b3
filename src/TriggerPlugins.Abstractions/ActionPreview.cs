namespace TriggerPlugins.Abstractions;

/// <summary>What an action would send for a call, rendered without any network call.</summary>
/// <param name="Fields">The rendered fields, by name (for example <c>title</c>, <c>description</c>).</param>
/// <param name="RequestBody">The request body that would be sent (JSON for web APIs).</param>
public sealed record ActionPreview(IReadOnlyDictionary<string, string> Fields, string RequestBody);
