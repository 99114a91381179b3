using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>Azure AD and Dataverse failures, produced by the emulator, become clear typed outcomes.</summary>
public sealed class FailureTests(LoadedPlugin plugin) : IClassFixture<LoadedPlugin>
{
    public static TheoryData<string, string, string?, string?, string> AuthFailures => new()
    {
        // clientId, clientSecret, username, password -> code
        { "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20", "wrong-secret", null, null, "auth.invalid-secret" },
        { "0c5d7e9f-1a2b-4c3d-8e4f-6a7b8c9d0e1f", "expired-secret", null, null, "auth.expired-secret" },
        { "11111111-2222-4333-8444-555555555555", "whatever", null, null, "auth.unknown-client" },
        { "4e6f8a0b-2c3d-4e5f-9a7b-1c2d3e4f5a6b", "unconsented-secret", "motion@contoso.onmicrosoft.com", "Demo-Password-1", "auth.consent-missing" },
        { "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20", "demo-secret-not-for-production", "motion@contoso.onmicrosoft.com", "Wrong-Password", "auth.invalid-password" },
        { "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20", "demo-secret-not-for-production", "mfa.user@contoso.onmicrosoft.com", "Mfa-Password-1", "auth.mfa-required" },
    };

    [Theory]
    [MemberData(nameof(AuthFailures))]
    public async Task Each_Azure_AD_refusal_is_a_permanent_outcome_that_says_what_to_fix(string clientId, string secret, string? username, string? password, string code)
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var account = harness.Account(a =>
        {
            a["clientId"] = clientId;
            a["clientSecret"] = secret;
            if (username is not null)
            {
                a["authMode"] = "usernamePassword";
                a["username"] = username;
                a["password"] = password;
            }
        });

        var outcome = await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1", account);

        var permanent = Assert.IsType<ActionFailedPermanent>(outcome);
        Assert.Equal(code, permanent.Code);
        Assert.DoesNotContain(secret, permanent.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Requests(), r => r.Contains("/api/data/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_app_that_is_not_an_application_user_of_the_environment_is_told_to_become_one()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var account = harness.Account(a =>
        {
            a["clientId"] = "4e6f8a0b-2c3d-4e5f-9a7b-1c2d3e4f5a6b";
            a["clientSecret"] = "unconsented-secret";
        });

        var outcome = await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1", account);

        var permanent = Assert.IsType<ActionFailedPermanent>(outcome);
        Assert.Equal("dataverse.forbidden", permanent.Code);
        Assert.Contains("application user", permanent.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_tenant_is_permanent()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var outcome = await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1", harness.Account(a => a["tenantId"] = "fabrikam.onmicrosoft.com"));
        Assert.Equal("auth.unknown-tenant", Assert.IsType<ActionFailedPermanent>(outcome).Code);
    }

    [Fact]
    public async Task The_integration_user_can_sign_in_with_username_and_password()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var account = harness.Account(a =>
        {
            a["authMode"] = "usernamePassword";
            a["username"] = "motion@contoso.onmicrosoft.com";
            a["password"] = "Demo-Password-1";
        });

        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Abandoned, "delivery-1", account));
        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Abandoned with { Id = "call-2" }, "delivery-2", account));
        // The second ticket reused the token.
        Assert.Equal(1, harness.Requests().Count(r => r.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Short_lived_tokens_are_still_reused()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin, new EmulatorOptions { TokenLifetime = TimeSpan.FromMinutes(2) });

        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Abandoned, "delivery-1"));
        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Abandoned with { Id = "call-2" }, "delivery-2"));

        Assert.Equal(1, harness.Requests().Count(r => r.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_down_token_endpoint_is_transient()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        harness.Emulator.Faults.TokenEndpointDown = true;

        var outcome = await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1");

        Assert.Contains("unavailable", Assert.IsType<ActionFailedTransient>(outcome).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_is_transient_with_the_retry_after_Dataverse_sent()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        harness.Emulator.Faults.TooManyRequestsRate = 1;
        harness.Emulator.Faults.RetryAfter = TimeSpan.FromSeconds(7);

        var outcome = await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1");

        var transient = Assert.IsType<ActionFailedTransient>(outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), transient.RetryAfter);
        Assert.Contains("HTTP 429", transient.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_are_transient()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        harness.Emulator.Faults.ServerErrorRate = 1;

        Assert.IsType<ActionFailedTransient>(await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1"));
    }

    [Fact]
    public async Task Dropped_connections_are_transient()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        harness.Emulator.Faults.DropConnectionRate = 1;

        Assert.IsType<ActionFailedTransient>(await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1"));
    }

    [Fact]
    public async Task A_slow_Dataverse_hits_the_request_timeout_and_is_transient()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        harness.Emulator.Faults.Latency = TimeSpan.FromSeconds(3);

        var outcome = await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1", harness.Account(a => a["requestTimeoutSeconds"] = 1));

        Assert.Contains("did not answer within 1 s", Assert.IsType<ActionFailedTransient>(outcome).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Dataverse_error_body_is_quoted_in_a_permanent_outcome()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var configuration = TestSettings.Configuration(c => c["fields"] = new JsonObject { ["new_missing"] = "{{ call.id }}" });

        var outcome = await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1", configuration: configuration);

        var permanent = Assert.IsType<ActionFailedPermanent>(outcome);
        Assert.Equal("dataverse.bad-request", permanent.Code);
        Assert.Contains("new_missing", permanent.Reason, StringComparison.Ordinal);
        Assert.Empty(harness.Emulator.Store.Records("incidents"));
    }

    [Fact]
    public async Task A_wrong_certificate_pin_is_refused_as_untrusted()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var outcome = await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1", harness.Account(a => a["trustedCertificateThumbprint"] = new string('0', 64)));
        var permanent = Assert.IsType<ActionFailedPermanent>(outcome);
        Assert.Equal("tls.untrusted", permanent.Code);
        // Says the cause (an emulator restarted: new certificate) and the fix, not the TLS stack's words.
        Assert.Contains("does not match the account's trustedCertificateThumbprint", permanent.Reason, StringComparison.Ordinal);
        Assert.Contains("TRIGGERS_EMULATOR_THUMBPRINT", permanent.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("RemoteCertificateValidationCallback", permanent.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_connection_check_names_the_user_or_what_failed()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var check = (IConnectionCheck)harness.Action;

        var ok = await check.CheckConnectionAsync(TestSettings.Settings(harness.Account()), CancellationToken.None);
        Assert.True(ok.Succeeded, ok.Message);
        Assert.Contains("319ccd03-516d-51bb-bd1b-15451e201de6", ok.Message, StringComparison.Ordinal);
        Assert.Contains($"GET /api/data/v9.2/WhoAmI", harness.Requests());

        var bad = await check.CheckConnectionAsync(TestSettings.Settings(harness.Account(a => a["clientSecret"] = "nope")), CancellationToken.None);
        Assert.False(bad.Succeeded);
        Assert.Contains("Certificates & secrets", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_account_makes_no_request_at_all()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);

        var outcome = await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1", harness.Account(a => a["clientId"] = "not-a-guid"));

        Assert.Equal("settings.invalid", Assert.IsType<ActionFailedPermanent>(outcome).Code);
        Assert.Empty(harness.Requests());
    }
}
