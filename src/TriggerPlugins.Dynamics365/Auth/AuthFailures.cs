using System.Security.Authentication;
using System.Text.RegularExpressions;
using Microsoft.Identity.Client;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Http;
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365.Auth;

/// <summary>
/// Turns Azure AD failures into outcomes an admin can act on: a wrong, expired or unknown credential is
/// permanent and says what to fix; an unreachable or failing token endpoint is transient.
/// </summary>
internal static partial class AuthFailures
{
    public static ActionOutcome ToOutcome(MsalException exception, AccountSettings account, TimeProvider time)
    {
        var authority = account.AuthorityUri?.Host ?? "Azure AD";
        if (exception is MsalServiceException service)
        {
            var code = AadstsCode(service);
            var permanent = code switch
            {
                "7000215" => ActionOutcome.Permanent(
                    $"Azure AD rejected the client secret of app {account.ClientId} (AADSTS7000215): clientSecret is wrong. Copy the secret's Value (not its Secret ID) from the app registration's Certificates & secrets into the account.",
                    "auth.invalid-secret"),
                "7000222" => ActionOutcome.Permanent(
                    $"The client secret of app {account.ClientId} has expired (AADSTS7000222): create a new secret in the app registration's Certificates & secrets and put its Value in the account's clientSecret.",
                    "auth.expired-secret"),
                "700016" => ActionOutcome.Permanent(
                    $"Azure AD has no application {account.ClientId} in tenant {account.TenantId} (AADSTS700016): check clientId and tenantId, and that the app registration exists in that tenant.",
                    "auth.unknown-client"),
                "90002" or "90023" => ActionOutcome.Permanent(
                    $"Azure AD does not know tenant '{account.TenantId}' (AADSTS{code}): tenantId must be the Directory (tenant) ID or a verified domain such as contoso.onmicrosoft.com.",
                    "auth.unknown-tenant"),
                "50126" => ActionOutcome.Permanent(
                    "Azure AD rejected the integration user's username or password (AADSTS50126): check username and password in the account (or switch to authMode 'clientCredentials', recommended).",
                    "auth.invalid-password"),
                "50034" => ActionOutcome.Permanent(
                    "The integration user does not exist in the tenant (AADSTS50034): check the account's username.",
                    "auth.unknown-user"),
                "50053" or "50057" or "50055" => ActionOutcome.Permanent(
                    $"The integration user cannot sign in (AADSTS{code}: locked, disabled or expired password): an admin must unblock the user or reset the password, then update the account.",
                    "auth.user-blocked"),
                "50076" or "50079" => ActionOutcome.Permanent(
                    $"The integration user must use multi-factor authentication (AADSTS{code}), which the username/password flow cannot do: switch the account to authMode 'clientCredentials' (recommended), or exclude this user from MFA with a Conditional Access policy.",
                    "auth.mfa-required"),
                "65001" => ActionOutcome.Permanent(
                    $"App {account.ClientId} has not been granted consent (AADSTS65001): an admin must grant admin consent for the Dynamics CRM user_impersonation permission in the app registration's API permissions.",
                    "auth.consent-missing"),
                "500011" => ActionOutcome.Permanent(
                    $"Azure AD does not know the resource {account.WebUri?.GetLeftPart(UriPartial.Authority)} (AADSTS500011): check that weburl is the environment URL and that Dynamics 365 is provisioned in this tenant.",
                    "auth.unknown-resource"),
                _ => null,
            };
            if (permanent is not null)
            {
                return permanent;
            }

            var status = service.StatusCode;
            if (status is 0 or 408 or 429 or >= 500 || service.ErrorCode is "request_timeout" or "service_not_available")
            {
                return ActionOutcome.Transient(
                    $"The Azure AD token endpoint ({authority}) is unavailable (HTTP {status}{CodeSuffix(code)}).",
                    RetryAfterHeader.Parse(service.Headers?.RetryAfter, time));
            }

            return ActionOutcome.Permanent(
                $"Azure AD refused the token request (HTTP {status}{CodeSuffix(code)}): {FirstLine(service.Message)}",
                "auth.failed");
        }

        if (Find<AuthenticationException>(exception) is not null)
        {
            return Untrusted(authority.ToString(), account);
        }

        if (Find<HttpRequestException>(exception) is not null || Find<TaskCanceledException>(exception) is not null || Find<IOException>(exception) is not null)
        {
            return ActionOutcome.Transient($"The Azure AD token endpoint ({authority}) could not be reached: {FirstLine(exception.Message)}");
        }

        return ActionOutcome.Permanent($"Signing in to Azure AD failed ({exception.ErrorCode}): {FirstLine(exception.Message)}", "auth.failed");
    }

    /// <summary>
    /// The server's TLS certificate was refused. With a pinned thumbprint that is almost always an emulator started
    /// again (a new certificate each start), so the message says which thumbprint to set, not the TLS stack's words.
    /// </summary>
    public static ActionFailedPermanent Untrusted(string where, AccountSettings account) => ActionOutcome.Permanent(
        account.TrustedCertificateThumbprint is not null
            ? $"The TLS certificate of {where} does not match the account's trustedCertificateThumbprint. A `triggers emulator` makes a new certificate each time it starts: set the thumbprint it printed (the sample accounts read it from TRIGGERS_EMULATOR_THUMBPRINT)."
            : $"The TLS certificate of {where} is not trusted by this machine: check weburl and authorityHost, or install the certificate's issuing CA.",
        "tls.untrusted");

    /// <summary>The AADSTS number in the service's message ("AADSTS7000215: Invalid client secret ...").</summary>
    private static string? AadstsCode(MsalServiceException exception)
    {
        var match = Aadsts().Match(exception.Message);
        if (match.Success)
        {
            return match.Groups[1].Value;
        }

        return exception.ErrorCodesForLogging is { Count: > 0 } codes ? codes[0] : null;
    }

    private static string CodeSuffix(string? code) => code is null ? string.Empty : $", AADSTS{code}";

    // Azure AD appends "Trace ID: ... Correlation ID: ... Timestamp: ..." lines: keep the sentence that matters.
    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    private static T? Find<T>(Exception exception) where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    [GeneratedRegex(@"AADSTS(\d{5,7})")]
    private static partial Regex Aadsts();
}
