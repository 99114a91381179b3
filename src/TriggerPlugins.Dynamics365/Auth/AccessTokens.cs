using Microsoft.Extensions.Logging;
using Microsoft.Identity.Client;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365.Auth;

/// <summary>
/// Access tokens for one account's Dataverse environment, from one MSAL client application: a
/// confidential client (client credentials, or username/password signed with the client secret), or a
/// public client for username/password without a secret. Tokens are kept until shortly before they
/// expire, and one acquisition at a time runs, so a burst of calls makes one token request.
/// </summary>
internal sealed class AccessTokens : IDisposable
{
    // Renew 5 minutes before expiry, or a quarter of the lifetime for short-lived tokens, so a token is never
    // sent in its last moments yet short lifetimes do not mean a token request per call.
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly AccountSettings _account;
    private readonly Func<bool, CancellationToken, Task<AuthenticationResult>> _acquire;
    private readonly string[] _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CachedToken? _current;

    public AccessTokens(AccountSettings account, HttpClient msalHttpClient, TimeProvider time, ILogger logger)
    {
        _account = account;
        _time = time;
        _logger = logger;
        var web = account.WebUri!.GetLeftPart(UriPartial.Authority);
        _scopes = [$"{web}/.default"];

        // The host retries transient failures with its own back-off; a hidden retry in MSAL would double the load on an outage.
        var httpClients = new FixedHttpClientFactory(msalHttpClient);
        if (account.Mode == AuthMode.UsernamePassword && string.IsNullOrEmpty(account.ClientSecret))
        {
            var app = WithAuthority(PublicClientApplicationBuilder.Create(account.ClientId).WithHttpClientFactory(httpClients, retryOnceOn5xx: false), account).Build();
            _acquire = (_, cancellationToken) => AcquireByPasswordAsync(app, cancellationToken);
        }
        else
        {
            var app = WithAuthority(
                ConfidentialClientApplicationBuilder.Create(account.ClientId).WithClientSecret(account.ClientSecret).WithHttpClientFactory(httpClients, retryOnceOn5xx: false),
                account).Build();
            _acquire = account.Mode == AuthMode.UsernamePassword
                ? (_, cancellationToken) => AcquireByPasswordAsync(app, cancellationToken)
                : (forceRefresh, cancellationToken) => app.AcquireTokenForClient(_scopes).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken);
        }
    }

    /// <summary>A valid access token; <paramref name="forceRefresh"/> after Dataverse rejected the cached one.</summary>
    /// <exception cref="MsalException">Azure AD refused or could not be reached (see <see cref="AuthFailures"/>).</exception>
    public async Task<string> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var seen = _current;
        if (!forceRefresh && IsFresh(seen))
        {
            return seen!.Value;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (IsFresh(_current) && (!forceRefresh || !ReferenceEquals(_current, seen)))
            {
                return _current!.Value;
            }

            var result = await _acquire(forceRefresh, cancellationToken);
            var now = _time.GetUtcNow();
            var margin = TimeSpan.FromTicks(Math.Min(RefreshMargin.Ticks, Math.Max(0, (result.ExpiresOn - now).Ticks / 4)));
            _current = new CachedToken(result.AccessToken, result.ExpiresOn, result.ExpiresOn - margin);
            Log.TokenAcquired(_logger, _account.ClientId, _account.Mode, result.ExpiresOn);

            return result.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static T WithAuthority<T>(AbstractApplicationBuilder<T> builder, AccountSettings account)
        where T : AbstractApplicationBuilder<T>
    {
        var authorityHost = account.AuthorityUri!;
        var authority = $"{authorityHost.GetLeftPart(UriPartial.Authority)}/{account.TenantId}";
        return HostRules.IsLoopback(authorityHost.IdnHost)
            // The emulator: no instance discovery (it would ask the real Azure AD about the loopback host).
            ? builder.WithAuthority(authority, validateAuthority: false).WithInstanceDiscovery(false)
            : builder.WithAuthority(authority);
    }

    // The user's description runs the integration as a licensed user (ROPC). Microsoft discourages ROPC
    // (no MFA, no conditional access); the README recommends clientCredentials, and this flow stays for
    // tenants that still run the integration as a user. ROPC never reads MSAL's cache: this class's
    // cached token is what avoids a sign-in per call.
    private Task<AuthenticationResult> AcquireByPasswordAsync(IConfidentialClientApplication app, CancellationToken cancellationToken)
        => ((IByUsernameAndPassword)app).AcquireTokenByUsernamePassword(_scopes, _account.Username, _account.Password).ExecuteAsync(cancellationToken);

    private Task<AuthenticationResult> AcquireByPasswordAsync(IPublicClientApplication app, CancellationToken cancellationToken)
    {
        // MSAL marks the public client's ROPC obsolete ("use a more secure flow"). It is kept on purpose for
        // existing integration-user accounts without a client secret; the README recommends clientCredentials.
#pragma warning disable CS0618
        return app.AcquireTokenByUsernamePassword(_scopes, _account.Username, _account.Password).ExecuteAsync(cancellationToken);
#pragma warning restore CS0618
    }

    private bool IsFresh(CachedToken? token) => token is not null && token.RenewAt > _time.GetUtcNow();

    public void Dispose() => _gate.Dispose();

    private sealed record CachedToken(string Value, DateTimeOffset ExpiresOn, DateTimeOffset RenewAt)
    {
        public override string ToString() => $"token until {ExpiresOn:O}";
    }

    /// <summary>Hands MSAL the account's client over the plugin's pinned or shared handler.</summary>
    private sealed class FixedHttpClientFactory(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }
}
