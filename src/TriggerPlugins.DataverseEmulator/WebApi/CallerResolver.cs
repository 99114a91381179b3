using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TriggerPlugins.DataverseEmulator.Data;
using TriggerPlugins.DataverseEmulator.Identity;

namespace TriggerPlugins.DataverseEmulator.WebApi;

/// <summary>The authenticated caller of a Web API request and its Dataverse systemuser.</summary>
internal sealed record Caller(TokenPrincipal Principal, Guid SystemUserId);

/// <summary>Checks the bearer token and finds the caller's systemuser, as Dataverse does.</summary>
internal sealed class CallerResolver(TokenService tokens, EmulatorStore store, Guid organizationTenant, Uri baseUri)
{
    /// <summary>The caller, or null after writing a 401 (no/invalid/expired token) or 403 (no systemuser).</summary>
    public async Task<Caller?> ResolveAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!AuthenticationHeaderValue.TryParse(header, out var value)
            || !string.Equals(value.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrWhiteSpace(value.Parameter))
        {
            Challenge(context, null);
            return null;
        }

        var principal = tokens.ValidateAccessToken(value.Parameter, organizationTenant, out var problem);
        if (principal is null)
        {
            Challenge(context, problem);
            return null;
        }

        context.Items[typeof(TokenPrincipal)] = principal;
        var systemUsers = store.Schemas.Find("systemusers")!;
        var found = store.Query(systemUsers, r => IsSystemUserOf(r, principal), top: 1);
        var user = found.Count > 0 ? found[0] : null;
        if (user is null || user["isdisabled"]?.GetValue<bool>() == true)
        {
            await JsonResponses.WriteErrorAsync(context, DataverseErrors.NotMemberOfOrganization());
            return null;
        }

        return new Caller(principal, Guid.Parse(user["systemuserid"]!.GetValue<string>()));
    }

    private static bool IsSystemUserOf(JsonObject systemUser, TokenPrincipal principal) =>
        principal.Username is { } username
            ? string.Equals(systemUser["domainname"]?.GetValue<string>(), username, StringComparison.OrdinalIgnoreCase)
            : Guid.TryParse(systemUser["applicationid"]?.GetValue<string>(), out var applicationId) && applicationId == principal.ApplicationId;

    private void Challenge(HttpContext context, string? problem)
    {
        // Dataverse answers 401 with an empty body and tells where to get a token.
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        var error = problem is null ? "" : $"error=\"invalid_token\", error_description=\"{problem}\", ";
        context.Response.Headers.WWWAuthenticate =
            $"Bearer {error}authorization_uri=\"{baseUri.AbsoluteUri}{organizationTenant:D}/oauth2/authorize\", resource_id=\"{tokens.Audience}/\"";
    }
}
