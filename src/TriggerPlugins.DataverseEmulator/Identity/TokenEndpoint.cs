using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TriggerPlugins.DataverseEmulator.WebApi;

namespace TriggerPlugins.DataverseEmulator.Identity;

/// <summary>
/// <c>POST /{tenant}/oauth2/v2.0/token</c> for the client-credentials, password (ROPC) and refresh-token grants,
/// answering like Azure AD (including its error codes) so that MSAL.NET works against it unchanged.
/// </summary>
internal sealed class TokenEndpoint(AadDirectory directory, TokenService tokens, EmulatorFaults faults, TimeSpan tokenLifetime, TimeProvider clock, Uri baseUri)
{
    private static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(90);
    private static readonly HashSet<string> OpenIdScopes = new(StringComparer.OrdinalIgnoreCase) { "openid", "profile", "offline_access", "email" };

    public async Task HandleAsync(HttpContext context, string tenantSegment)
    {
        try
        {
            if (faults.TokenEndpointDown)
            {
                throw AadErrors.Unavailable();
            }

            if (!HttpMethods.IsPost(context.Request.Method))
            {
                throw AadErrors.PostOnly();
            }

            if (!context.Request.HasFormContentType)
            {
                throw AadErrors.MissingParameter("grant_type");
            }

            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            context.Items[typeof(RecordedCaller)] = new RecordedCaller(Value(form, "username") ?? Value(form, "client_id"));
            var tenant = directory.FindTenant(tenantSegment) ?? throw AadErrors.TenantNotFound(tenantSegment);
            var grant = Value(form, "grant_type") ?? throw AadErrors.MissingParameter("grant_type");
            var response = grant switch
            {
                "client_credentials" => ClientCredentials(form, tenant),
                "password" => Password(form, tenant),
                "refresh_token" => Refresh(form, tenant),
                _ => throw AadErrors.UnsupportedGrant(grant),
            };
            context.Response.Headers.CacheControl = "no-store, no-cache";
            await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, response);
        }
        catch (AadException error)
        {
            await WriteErrorAsync(context, error);
        }
    }

    private JsonObject ClientCredentials(IFormCollection form, SeedTenant tenant)
    {
        var application = FindApplication(form, tenant);
        var secret = Value(form, "client_secret") ?? throw AadErrors.MissingClientSecret();
        Authenticate(application, secret);
        var scope = ResourceScope(form, tenant, clientCredentials: true);
        var principal = new TokenPrincipal(tenant.TenantId, application.ClientId, Username: null);
        var access = tokens.IssueAccessToken(principal, AadDirectory.ServicePrincipalIdOf(application), tokenLifetime, scope: null);
        return TokenResponse(access, scope);
    }

    private JsonObject Password(IFormCollection form, SeedTenant tenant)
    {
        var application = FindApplication(form, tenant);
        AuthenticateOptionally(form, application);
        var scope = ResourceScope(form, tenant, clientCredentials: false);
        var username = Value(form, "username") ?? throw AadErrors.MissingParameter("username");
        var password = Value(form, "password") ?? throw AadErrors.MissingParameter("password");
        var user = AadDirectory.FindUser(tenant, username) ?? throw AadErrors.UnknownUser(TenantName(tenant));
        if (!SecretEquals(user.Password, password))
        {
            throw AadErrors.WrongPassword();
        }

        if (user.MfaRequired)
        {
            throw AadErrors.MfaRequired(tokens.Audience);
        }

        if (!application.ConsentGranted)
        {
            throw AadErrors.ConsentRequired(application);
        }

        return UserTokens(tenant, application, user, scope);
    }

    private JsonObject Refresh(IFormCollection form, SeedTenant tenant)
    {
        var application = FindApplication(form, tenant);
        AuthenticateOptionally(form, application);
        var scope = ResourceScope(form, tenant, clientCredentials: false);
        var refreshToken = Value(form, "refresh_token") ?? throw AadErrors.MissingParameter("refresh_token");
        var principal = tokens.ValidateRefreshToken(refreshToken, tenant, out var problem);
        if (principal is null)
        {
            throw problem.Contains("expired", StringComparison.Ordinal) ? AadErrors.ExpiredRefreshToken() : AadErrors.InvalidRefreshToken();
        }

        if (principal.ApplicationId != application.ClientId || principal.Username is null
            || AadDirectory.FindUser(tenant, principal.Username) is not { } user)
        {
            throw AadErrors.InvalidRefreshToken();
        }

        return UserTokens(tenant, application, user, scope);
    }

    private JsonObject UserTokens(SeedTenant tenant, SeedApplication application, SeedUser user, string scope)
    {
        var principal = new TokenPrincipal(tenant.TenantId, application.ClientId, user.Username);
        var objectId = AadDirectory.ObjectIdOf(user);
        var response = TokenResponse(tokens.IssueAccessToken(principal, objectId, tokenLifetime, scope), scope);
        response["refresh_token"] = tokens.IssueRefreshToken(principal, objectId, RefreshTokenLifetime);
        response["id_token"] = tokens.IssueIdToken(tenant, application, user, tokenLifetime);
        // MSAL keys its user token cache by client_info (uid.utid); without it, silent calls never find the account.
        var clientInfo = new JsonObject { ["uid"] = objectId.ToString("D"), ["utid"] = tenant.TenantId.ToString("D") };
        response["client_info"] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(clientInfo.ToJsonString()));
        return response;
    }

    private JsonObject TokenResponse(string accessToken, string scope)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(tokenLifetime.TotalSeconds));
        return new JsonObject
        {
            ["token_type"] = "Bearer",
            ["scope"] = scope,
            ["expires_in"] = seconds,
            ["ext_expires_in"] = seconds,
            ["access_token"] = accessToken,
        };
    }

    private static SeedApplication FindApplication(IFormCollection form, SeedTenant tenant)
    {
        var clientId = Value(form, "client_id") ?? throw AadErrors.MissingParameter("client_id");
        return AadDirectory.FindApplication(tenant, clientId) ?? throw AadErrors.UnknownClient(clientId, TenantName(tenant));
    }

    private static void AuthenticateOptionally(IFormCollection form, SeedApplication application)
    {
        if (Value(form, "client_secret") is { } secret)
        {
            Authenticate(application, secret);
        }
        else if (!application.AllowPublicClientFlows)
        {
            throw AadErrors.MissingClientSecret();
        }
    }

    private static void Authenticate(SeedApplication application, string secret)
    {
        if (application.ClientSecret is null || !SecretEquals(application.ClientSecret, secret))
        {
            throw AadErrors.InvalidClientSecret(application.ClientId);
        }

        if (application.SecretExpired)
        {
            throw AadErrors.ExpiredClientSecret(application.ClientId);
        }
    }

    /// <summary>The one resource scope requested; the resource must be this emulator's Web API.</summary>
    private string ResourceScope(IFormCollection form, SeedTenant tenant, bool clientCredentials)
    {
        var scopes = (Value(form, "scope") ?? throw AadErrors.MissingParameter("scope"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => !OpenIdScopes.Contains(s))
            .ToList();
        if (scopes.Count == 0)
        {
            throw AadErrors.InvalidScope(Value(form, "scope")!);
        }

        if (scopes.Count > 1)
        {
            throw AadErrors.MoreThanOneResource();
        }

        var scope = scopes[0];
        var slash = scope.LastIndexOf('/');
        if (slash <= 0)
        {
            throw AadErrors.InvalidScope(scope);
        }

        var permission = scope[(slash + 1)..];
        if (clientCredentials ? permission != ".default" : permission is not (".default" or "user_impersonation"))
        {
            throw clientCredentials ? AadErrors.ClientCredentialsNeedDefault(scope) : AadErrors.InvalidScope(scope);
        }

        // "https://org.crm.dynamics.com//.default" (from a weburl with a trailing slash) names the same resource.
        var resource = scope[..slash].TrimEnd('/');
        if (!string.Equals(resource, tokens.Audience, StringComparison.OrdinalIgnoreCase))
        {
            throw AadErrors.ResourceNotFound(resource, TenantName(tenant));
        }

        return scope;
    }

    private async Task WriteErrorAsync(HttpContext context, AadException error)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var traceId = Guid.NewGuid().ToString("D");
        var correlationId = Guid.TryParse(context.Request.Headers["client-request-id"].ToString(), out var given)
            ? given.ToString("D")
            : Guid.NewGuid().ToString("D");
        var timestamp = now.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["error"] = error.Error,
            ["error_description"] = $"{error.Message} Trace ID: {traceId} Correlation ID: {correlationId} Timestamp: {timestamp}",
            ["error_codes"] = new JsonArray(error.Code),
            ["timestamp"] = timestamp,
            ["trace_id"] = traceId,
            ["correlation_id"] = correlationId,
            ["error_uri"] = $"{baseUri.AbsoluteUri}error?code={error.Code}",
        };
        if (error.Suberror is not null)
        {
            body["suberror"] = error.Suberror;
        }

        context.Response.Headers["client-request-id"] = correlationId;
        await JsonResponses.WriteAsync(context, error.Status, body);
    }

    private static string TenantName(SeedTenant tenant) => tenant.Domains.FirstOrDefault() ?? tenant.TenantId.ToString("D");

    private static string? Value(IFormCollection form, string name) =>
        form.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;

    private static bool SecretEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}

/// <summary>Who a token request is for, stored in <see cref="HttpContext.Items"/> for the request log (never a secret).</summary>
internal sealed record RecordedCaller(string? Name);
