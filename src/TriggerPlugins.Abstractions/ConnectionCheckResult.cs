namespace TriggerPlugins.Abstractions;

/// <summary>The result of checking an account against the remote service.</summary>
/// <param name="Succeeded">True when authentication and the test call worked.</param>
/// <param name="Message">What worked (for example the user id) or what failed and what to fix.</param>
public sealed record ConnectionCheckResult(bool Succeeded, string Message);
