namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>How the plugin signs in to Azure AD.</summary>
internal enum AuthMode
{
    /// <summary>App registration + client secret (an application user in Dataverse). Recommended.</summary>
    ClientCredentials,

    /// <summary>A licensed integration user's username and password (ROPC), as the original integration did.</summary>
    UsernamePassword,
}

/// <summary>
/// An account as the admin wrote it (before validation). Holds secrets: <see cref="ToString"/> never shows them.
/// </summary>
internal sealed record AccountSettings
{
    /// <summary>The most application users one account may list (besides its own clientId).</summary>
    public const int MaxApplicationUsers = 10;

    /// <summary>The auth mode (<c>authMode</c>); null only when the account names an unknown one (an error).</summary>
    public AuthMode? Mode { get; init; }

    public string? Username { get; init; }
    public string? Password { get; init; }
    public string? ClientId { get; init; }
    public string? TenantId { get; init; }
    public string? ClientSecret { get; init; }
    public string? WebUrl { get; init; }
    public string? AuthorityHost { get; init; }
    public string? TrustedCertificateThumbprint { get; init; }
    public int RequestTimeoutSeconds { get; init; }

    /// <summary>
    /// More application users (app registrations of the same tenant, each an application user of the environment):
    /// requests are spread over the account's own user and these, each with its own service protection budget.
    /// </summary>
    public IReadOnlyList<ApplicationUser> ApplicationUsers { get; init; } = [];

    /// <summary>
    /// Emulator only (loopback weburl): runs the per-user service protection pacing this many times faster, to match the
    /// emulator's <c>ServiceProtectionTimeScale</c> (window and request count divided by it). 1 (the default): the documented limits.
    /// </summary>
    public int ServiceProtectionTimeScale { get; init; }

    /// <summary>The account as each of its users signs in: itself first, then one per <see cref="ApplicationUsers"/> entry.</summary>
    public IEnumerable<AccountSettings> Users()
        => [this, .. ApplicationUsers.Select(u => this with { ClientId = u.ClientId, ClientSecret = u.ClientSecret, ApplicationUsers = [] })];

    /// <summary>The environment root as an absolute URI, when it parses.</summary>
    public Uri? WebUri => Uri.TryCreate(WebUrl?.Trim(), UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>The Azure AD host as an absolute URI, when it parses (the reader fills in the declared default, the public cloud).</summary>
    public Uri? AuthorityUri => Uri.TryCreate(AuthorityHost?.Trim(), UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>The pinned certificate's SHA-256, upper-case hex without separators, or null.</summary>
    public string? NormalizedThumbprint => string.IsNullOrWhiteSpace(TrustedCertificateThumbprint)
        ? null
        : new string([.. TrustedCertificateThumbprint.Where(char.IsAsciiHexDigit)]).ToUpperInvariant();

    /// <summary>Names only: the account holds secrets.</summary>
    public override string ToString()
        => $"AccountSettings {{ AuthMode = {Mode}, ClientId = {ClientId}, TenantId = {TenantId}, WebUrl = {WebUrl}, Username = {(Username is null ? "(none)" : "(set)")}, Password = {Redacted(Password)}, ClientSecret = {Redacted(ClientSecret)}, ApplicationUsers = [{string.Join(", ", ApplicationUsers)}] }}";

    private static string Redacted(string? secret) => string.IsNullOrEmpty(secret) ? "(none)" : "***";
}

/// <summary>One more application user of an account: an app registration's client id and secret. The secret is never shown.</summary>
internal sealed record ApplicationUser(string? ClientId, string? ClientSecret)
{
    public override string ToString() => $"{{ ClientId = {ClientId}, ClientSecret = {(string.IsNullOrEmpty(ClientSecret) ? "(none)" : "***")} }}";
}
