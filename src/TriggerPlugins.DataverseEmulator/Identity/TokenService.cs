using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TriggerPlugins.DataverseEmulator.Identity;

/// <summary>Who a valid access token speaks for.</summary>
/// <param name="TenantId">Tenant that issued it.</param>
/// <param name="ApplicationId">The client (app registration) that asked for it.</param>
/// <param name="Username">The signed-in user (username/password grant), or null for an application token.</param>
internal sealed record TokenPrincipal(Guid TenantId, Guid ApplicationId, string? Username)
{
    /// <summary>The name recorded in the request log: the user name, else the client id.</summary>
    public string Name => Username ?? ApplicationId.ToString("D");
}

/// <summary>
/// Issues and validates JSON Web Tokens signed with a key that lives only as long as the emulator (HS256).
/// Access tokens carry tenant (tid), audience (aud), expiry (exp, fractional seconds so short test lifetimes work).
/// </summary>
internal sealed class TokenService(Uri baseUri, TimeProvider clock)
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The resource the emulator's Web API answers for: its base address without the trailing slash.</summary>
    public string Audience { get; } = baseUri.AbsoluteUri.TrimEnd('/');

    public string Issuer(Guid tenantId) => $"{baseUri.AbsoluteUri}{tenantId:D}/v2.0";

    public string IssueAccessToken(TokenPrincipal principal, Guid objectId, TimeSpan lifetime, string? scope) =>
        Sign(Claims(principal, objectId, lifetime, "access", Audience, scope));

    public string IssueRefreshToken(TokenPrincipal principal, Guid objectId, TimeSpan lifetime) =>
        Sign(Claims(principal, objectId, lifetime, "refresh", Issuer(principal.TenantId), scope: null));

    /// <summary>An id token: MSAL reads it (unverified) to build the account in its cache.</summary>
    public string IssueIdToken(SeedTenant tenant, SeedApplication application, SeedUser user, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow();
        var objectId = AadDirectory.ObjectIdOf(user);
        return Sign(new JsonObject
        {
            ["aud"] = application.ClientId.ToString("D"),
            ["iss"] = Issuer(tenant.TenantId),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
            ["name"] = user.DisplayName,
            ["oid"] = objectId.ToString("D"),
            ["preferred_username"] = user.Username,
            ["sub"] = objectId.ToString("N"),
            ["tid"] = tenant.TenantId.ToString("D"),
            ["ver"] = "2.0",
        });
    }

    /// <summary>Validates an access token for this emulator's Web API; returns why not in <paramref name="problem"/>.</summary>
    public TokenPrincipal? ValidateAccessToken(string token, Guid organizationTenant, out string problem) =>
        Validate(token, "access", Audience, out problem) is { } principal && Check(principal.TenantId == organizationTenant, "The token was issued by another tenant than the organization's.", ref problem)
            ? principal
            : null;

    /// <summary>Validates a refresh token presented at a tenant's token endpoint.</summary>
    public TokenPrincipal? ValidateRefreshToken(string token, SeedTenant tenant, out string problem) =>
        Validate(token, "refresh", Issuer(tenant.TenantId), out problem);

    private TokenPrincipal? Validate(string token, string use, string audience, out string problem)
    {
        problem = "";
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            problem = "The token is not a JSON Web Token.";
            return null;
        }

        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        byte[] actual;
        JsonObject? claims;
        try
        {
            actual = Base64Url.DecodeFromChars(parts[2]);
            claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            problem = "The token is malformed.";
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, actual) || claims is null)
        {
            problem = "The token signature is invalid (not issued by this emulator).";
            return null;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        if (claims["token_use"]?.GetValue<string>() != use)
        {
            problem = $"The token is not an {use} token.";
            return null;
        }

        if (claims["aud"]?.GetValue<string>() != audience)
        {
            problem = $"The audience '{claims["aud"]}' is invalid.";
            return null;
        }

        if (claims["exp"]!.GetValue<double>() <= now)
        {
            problem = "The token is expired.";
            return null;
        }

        return new TokenPrincipal(
            Guid.Parse(claims["tid"]!.GetValue<string>()),
            Guid.Parse(claims["appid"]!.GetValue<string>()),
            claims["upn"]?.GetValue<string>());
    }

    private static bool Check(bool condition, string message, ref string problem)
    {
        if (!condition)
        {
            problem = message;
        }

        return condition;
    }

    private JsonObject Claims(TokenPrincipal principal, Guid objectId, TimeSpan lifetime, string use, string audience, string? scope)
    {
        var now = clock.GetUtcNow();
        var claims = new JsonObject
        {
            ["aud"] = audience,
            ["iss"] = Issuer(principal.TenantId),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = Math.Round((now + lifetime).ToUnixTimeMilliseconds() / 1000.0, 3),
            ["appid"] = principal.ApplicationId.ToString("D"),
            ["idtyp"] = principal.Username is null ? "app" : "user",
            ["oid"] = objectId.ToString("D"),
            ["sub"] = objectId.ToString("D"),
            ["tid"] = principal.TenantId.ToString("D"),
            ["token_use"] = use,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["ver"] = "1.0",
        };
        if (principal.Username is not null)
        {
            claims["upn"] = principal.Username;
        }

        if (scope is not null)
        {
            claims["scp"] = scope;
        }

        return claims;
    }

    private string Sign(JsonObject claims)
    {
        var header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }
}
