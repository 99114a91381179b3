namespace TriggerPlugins.Abstractions;

/// <summary>What an action would send for a call, rendered without any network call.</summary>
/// <param name="Fields">The rendered fields, by name (for example <c>title</c>, <c>description</c>).</param>
/// <param name="RequestBody">The request body that would be sent (JSON for web APIs).</param>
public sealed record ActionPreview(IReadOnlyDictionary<string, string> Fields, string RequestBody);

/// <summary>The result of checking an account against the remote service.</summary>
/// <param name="Succeeded">True when authentication and the test call worked.</param>
/// <param name="Message">What worked (for example the user id) or what failed and what to fix.</param>
public sealed record ConnectionCheckResult(bool Succeeded, string Message);
