namespace TriggerPlugins.DataverseEmulator;

/// <summary>One request the emulator answered (or dropped: <paramref name="Status"/> 0).</summary>
/// <param name="At">When the request arrived.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path, e.g. <c>/api/data/v9.2/incidents</c> or <c>/{tenant}/oauth2/v2.0/token</c>.</param>
/// <param name="Query">Raw query string including the leading '?', or empty.</param>
/// <param name="Status">HTTP status sent; 0 when the connection was dropped by fault injection.</param>
/// <param name="Caller">Who made it: the client id or user name of the token (or of the token request); null if unknown.</param>
public sealed record RecordedRequest(DateTimeOffset At, string Method, string Path, string Query, int Status, string? Caller);
