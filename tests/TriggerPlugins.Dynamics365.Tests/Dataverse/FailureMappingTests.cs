using System.Net;
using System.Security.Authentication;
using System.Text.Json.Nodes;
using Microsoft.Identity.Client;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Auth;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365.Tests.Dataverse;

/// <summary>Each failure becomes an outcome that says what to fix (the integration tests drive the real ones).</summary>
public sealed class FailureMappingTests
{
    private static readonly Uri WebUrl = new("https://contoso.crm4.dynamics.com/");

    private static readonly AccountSettings Account = new()
    {
        ClientId = "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20",
        TenantId = "contoso.onmicrosoft.com",
        ClientSecret = "never-shown",
        WebUrl = WebUrl.ToString(),
    };

    [Theory]
    [InlineData("AADSTS7000215: Invalid client secret provided.", "auth.invalid-secret", "Certificates & secrets")]
    [InlineData("AADSTS7000222: The provided client secret keys are expired.", "auth.expired-secret", "create a new secret")]
    [InlineData("AADSTS700016: Application not found in the directory.", "auth.unknown-client", "check clientId and tenantId")]
    [InlineData("AADSTS90002: Tenant 'x' not found.", "auth.unknown-tenant", "verified domain")]
    [InlineData("AADSTS50126: Error validating credentials due to invalid username or password.", "auth.invalid-password", "check username and password")]
    [InlineData("AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.", "auth.mfa-required", "clientCredentials")]
    [InlineData("AADSTS50079: The user is required to use multi-factor authentication.", "auth.mfa-required", "Conditional Access")]
    [InlineData("AADSTS65001: The user or administrator has not consented to use the application.", "auth.consent-missing", "admin consent")]
    public void Azure_AD_refusals_are_permanent_with_the_fix(string message, string code, string fix)
    {
        var outcome = AuthFailures.ToOutcome(new MsalServiceException("invalid_client", message + "\r\nTrace ID: 1\r\nCorrelation ID: 2", 401), Account, TimeProvider.System);

        var permanent = Assert.IsType<ActionFailedPermanent>(outcome);
        Assert.Equal(code, permanent.Code);
        Assert.Contains(fix, permanent.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("never-shown", permanent.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public void A_failing_token_endpoint_is_transient(int status)
        => Assert.IsType<ActionFailedTransient>(AuthFailures.ToOutcome(new MsalServiceException("service_not_available", "down", status), Account, TimeProvider.System));

    [Fact]
    public void An_unreachable_token_endpoint_is_transient()
        => Assert.IsType<ActionFailedTransient>(AuthFailures.ToOutcome(
            new MsalClientException("unknown_error", "An error occurred sending the request.", new HttpRequestException("Connection refused")), Account, TimeProvider.System));

    [Fact]
    public void An_untrusted_token_endpoint_certificate_is_permanent()
    {
        var outcome = AuthFailures.ToOutcome(
            new MsalClientException("unknown_error", "ssl", new HttpRequestException("ssl", new AuthenticationException("The remote certificate is invalid"))), Account, TimeProvider.System);
        Assert.Equal("tls.untrusted", Assert.IsType<ActionFailedPermanent>(outcome).Code);
    }

    [Fact]
    public void Throttling_is_transient_with_the_wait_Dataverse_asked_for()
    {
        var outcome = DataverseErrors.ToOutcome(Reply(HttpStatusCode.TooManyRequests, "0x80072322", "Number of requests exceeded the limit of 6000 over time window of 300 seconds.", TimeSpan.FromSeconds(12)), WebUrl);

        var transient = Assert.IsType<ActionFailedTransient>(outcome);
        Assert.Equal(TimeSpan.FromSeconds(12), transient.RetryAfter);
        Assert.Contains("0x80072322: Number of requests exceeded", transient.Reason, StringComparison.Ordinal);
        Assert.Contains("retry after 12 s", transient.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public void Server_errors_are_transient(HttpStatusCode status)
        => Assert.IsType<ActionFailedTransient>(DataverseErrors.ToOutcome(Reply(status, "0x80040216", "An unexpected error occurred."), WebUrl));

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "dataverse.unauthorized", "application user")]
    [InlineData(HttpStatusCode.Forbidden, "dataverse.forbidden", "security roles")]
    [InlineData(HttpStatusCode.BadRequest, "dataverse.bad-request", "HTTP 400: 0x80040237")]
    [InlineData(HttpStatusCode.PreconditionFailed, "dataverse.precondition-failed", "0x80040237")]
    [InlineData(HttpStatusCode.NotFound, "dataverse.not-found", "0x80040237")]
    public void Client_errors_are_permanent_and_quote_the_Dataverse_error(HttpStatusCode status, string code, string text)
    {
        var permanent = Assert.IsType<ActionFailedPermanent>(DataverseErrors.ToOutcome(Reply(status, "0x80040237", "Something precise."), WebUrl));
        Assert.Equal(code, permanent.Code);
        Assert.Contains(text, permanent.Reason, StringComparison.Ordinal);
        Assert.Contains("Something precise.", permanent.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_400_naming_a_mapped_field_points_at_the_mapping_and_names_the_field()
    {
        var reply = Reply(HttpStatusCode.BadRequest, "0x80060888", "The property 'new_queue' does not exist on type 'Microsoft.Dynamics.CRM.incident'.");

        var permanent = Assert.IsType<ActionFailedPermanent>(DataverseErrors.ToOutcome(reply, WebUrl, ["prioritycode", "new_queue"]));

        Assert.Contains("The property 'new_queue' does not exist", permanent.Reason, StringComparison.Ordinal);
        Assert.Contains("The field 'new_queue' comes from the configuration's fields mapping", permanent.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_400_about_something_the_mapping_did_not_write_names_it_without_blaming_the_mapping()
    {
        var reply = Reply(HttpStatusCode.BadRequest, "0x80044331", "The length of the 'lastname' attribute of the 'contact' entity exceeded the maximum allowed length of '50'.");

        var permanent = Assert.IsType<ActionFailedPermanent>(DataverseErrors.ToOutcome(reply, WebUrl, ["prioritycode"]));

        Assert.DoesNotContain("fields mapping", permanent.Reason, StringComparison.Ordinal);
        Assert.Contains("It concerns 'lastname'.", permanent.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public void No_failure_message_promises_a_retry_the_host_may_not_make(HttpStatusCode status)
    {
        // A transient reason becomes the dead letter's "last error" when the deadline passes: it must not say "will be retried".
        var outcome = DataverseErrors.ToOutcome(Reply(status, "0x80040216", "An unexpected error occurred."), WebUrl);
        var reason = outcome is ActionFailedTransient t ? t.Reason : ((ActionFailedPermanent)outcome).Reason;
        Assert.DoesNotContain("will be retried", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signed_in_app_unknown_to_the_environment_is_told_to_become_an_application_user()
    {
        var permanent = Assert.IsType<ActionFailedPermanent>(DataverseErrors.ToOutcome(Reply(HttpStatusCode.Forbidden, "0x80072560", "The user is not a member of the organization."), WebUrl));
        Assert.Equal("dataverse.forbidden", permanent.Code);
        Assert.Contains("Application users", permanent.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_404_without_a_Dataverse_error_body_says_the_weburl_is_not_an_environment()
    {
        var reply = new DataverseReply(HttpStatusCode.NotFound, null, null, null, "find the caller's contact", "/api/data/v9.2/contacts");
        var permanent = Assert.IsType<ActionFailedPermanent>(DataverseErrors.ToOutcome(reply, WebUrl));
        Assert.Contains("weburl https://contoso.crm4.dynamics.com/ does not look like a Dataverse environment", permanent.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0x80040237", true)]
    [InlineData("-2147220937", true)]
    [InlineData("0x80040217", false)]
    public void The_duplicate_key_error_is_recognised(string code, bool duplicate)
        => Assert.Equal(duplicate, DataverseError.From(JsonNode.Parse($"{{\"error\":{{\"code\":\"{code}\",\"message\":\"m\"}}}}"))!.IsDuplicateKey);

    private static DataverseReply Reply(HttpStatusCode status, string code, string message, TimeSpan? retryAfter = null)
    {
        var body = JsonNode.Parse($"{{\"error\":{{\"code\":\"{code}\",\"message\":\"{message}\"}}}}");
        return new DataverseReply(status, body, retryAfter, DataverseError.From(body), "create the ticket (incident)", "/api/data/v9.2/incidents");
    }
}
