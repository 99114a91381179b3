using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TriggerPlugins.DataverseEmulator.WebApi;

namespace TriggerPlugins.DataverseEmulator.Identity;

/// <summary>
/// The Azure AD metadata MSAL.NET may ask for: user realm discovery (before a username/password grant),
/// the OpenID Connect configuration of a tenant, and instance discovery.
/// </summary>
internal sealed class DiscoveryEndpoints(AadDirectory directory, Uri baseUri)
{
    private string Authority => baseUri.Authority;

    /// <summary><c>GET /common/userrealm/{username}</c>: "Managed" for a user of a seeded domain, else "Unknown".</summary>
    public Task UserRealmAsync(HttpContext context, string username)
    {
        var tenant = directory.FindTenantOfUser(username);
        var body = new JsonObject
        {
            ["ver"] = "1.0",
            ["account_type"] = tenant is null ? "Unknown" : "Managed",
            ["domain_name"] = tenant is null ? username[(username.LastIndexOf('@') + 1)..] : tenant.Domains.FirstOrDefault() ?? "",
            ["cloud_instance_name"] = "microsoftonline.com",
            ["cloud_audience_urn"] = "urn:federation:MicrosoftOnline",
        };
        return JsonResponses.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    /// <summary><c>GET /{tenant}/v2.0/.well-known/openid-configuration</c>.</summary>
    public Task OpenIdConfigurationAsync(HttpContext context, string tenantSegment)
    {
        if (directory.FindTenant(tenantSegment) is not { } tenant)
        {
            var error = AadErrors.TenantNotFound(tenantSegment);
            return JsonResponses.WriteAsync(context, error.Status, new JsonObject { ["error"] = error.Error, ["error_description"] = error.Message, ["error_codes"] = new JsonArray(error.Code) });
        }

        var root = $"{baseUri.AbsoluteUri}{tenant.TenantId:D}";
        var body = new JsonObject
        {
            ["token_endpoint"] = $"{root}/oauth2/v2.0/token",
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "client_secret_basic"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
            ["issuer"] = $"{root}/v2.0",
            ["authorization_endpoint"] = $"{root}/oauth2/v2.0/authorize",
            ["device_authorization_endpoint"] = $"{root}/oauth2/v2.0/devicecode",
            ["end_session_endpoint"] = $"{root}/oauth2/v2.0/logout",
            ["jwks_uri"] = $"{root}/discovery/v2.0/keys",
            ["tenant_region_scope"] = "EU",
            ["cloud_instance_name"] = "microsoftonline.com",
        };
        return JsonResponses.WriteAsync(context, StatusCodes.Status200OK, body);
    }

    /// <summary><c>GET /common/discovery/instance</c>: the emulator is its own single cloud instance.</summary>
    public Task InstanceDiscoveryAsync(HttpContext context)
    {
        var body = new JsonObject
        {
            ["tenant_discovery_endpoint"] = $"{baseUri.AbsoluteUri}common/v2.0/.well-known/openid-configuration",
            ["api-version"] = "1.1",
            ["metadata"] = new JsonArray(new JsonObject
            {
                ["preferred_network"] = Authority,
                ["preferred_cache"] = Authority,
                ["aliases"] = new JsonArray(Authority),
            }),
        };
        return JsonResponses.WriteAsync(context, StatusCodes.Status200OK, body);
    }
}
