using System.Net.Http.Headers;
using Microsoft.Identity.Client;
using TriggerPlugins.DataverseEmulator.Tests.Support;

namespace TriggerPlugins.DataverseEmulator.Tests.Identity;

/// <summary>MSAL.NET 4.92 against the emulator's Azure AD, exactly as the plugin configures it.</summary>
public sealed class MsalTests : IAsyncLifetime
{
    private DataverseEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private string[] Scopes => [$"{_emulator.BaseUri}.default"];

    [Fact]
    public async Task Client_credentials_token_is_accepted_by_the_web_api()
    {
        var result = await Confidential().AcquireTokenForClient(Scopes).ExecuteAsync();

        using var client = EmulatorClient.Anonymous(_emulator);
        client.Token = result.AccessToken;
        using var response = await client.GetAsync("WhoAmI");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Second_client_credentials_call_is_served_from_msal_cache()
    {
        var app = Confidential();
        var first = await app.AcquireTokenForClient(Scopes).ExecuteAsync();
        var second = await app.AcquireTokenForClient(Scopes).ExecuteAsync();

        Assert.Equal(TokenSource.IdentityProvider, first.AuthenticationResultMetadata.TokenSource);
        Assert.Equal(TokenSource.Cache, second.AuthenticationResultMetadata.TokenSource);
        var token = Assert.Single(_emulator.Requests.Snapshot());
        Assert.Equal(($"/{Demo.TenantId}/oauth2/v2.0/token", 200), (token.Path, token.Status));
    }

    [Fact]
    public async Task Username_password_on_a_public_client_gets_a_user_token_and_a_cached_account()
    {
        var app = Public();

#pragma warning disable CS0618 // ROPC is obsolete in MSAL 4.92 but it is the flow the user's tenant uses.
        var result = await app.AcquireTokenByUsernamePassword(Scopes, Demo.Username, Demo.Password).ExecuteAsync();
#pragma warning restore CS0618

        Assert.Equal(Demo.Username, result.Account.Username);
        var account = Assert.Single(await app.GetAccountsAsync());
        var silent = await app.AcquireTokenSilent(Scopes, account).ExecuteAsync();
        Assert.Equal(TokenSource.Cache, silent.AuthenticationResultMetadata.TokenSource);
        Assert.Equal(1, _emulator.Requests.Snapshot().Count(r => r.Path.EndsWith("/token", StringComparison.Ordinal)));
        Assert.Contains(_emulator.Requests.Snapshot(), r => r.Path == $"/common/userrealm/{Demo.Username}" && r.Status == 200);
        Assert.All(_emulator.Requests.Snapshot(), r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task Username_password_on_a_confidential_client_sends_and_checks_the_secret()
    {
        var app = (IByUsernameAndPassword)Confidential();
        var result = await app.AcquireTokenByUsernamePassword(Scopes, Demo.Username, Demo.Password).ExecuteAsync();

        using var client = EmulatorClient.Anonymous(_emulator);
        client.Token = result.AccessToken;
        using var response = await client.GetAsync("WhoAmI");
        var whoAmI = await EmulatorClient.JsonOf(response);
        var motion = _emulator.Store.Records("systemusers").Single(u => u["domainname"]?.GetValue<string>() == Demo.Username);
        Assert.Equal(motion["systemuserid"]!.GetValue<string>(), whoAmI["UserId"]!.GetValue<string>());

        var wrongSecret = (IByUsernameAndPassword)Confidential(secret: "not-the-secret");
        var error = await Assert.ThrowsAsync<MsalServiceException>(() => wrongSecret.AcquireTokenByUsernamePassword(Scopes, Demo.Username, Demo.Password).ExecuteAsync());
        Assert.Contains("AADSTS7000215", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_token_renews_a_user_token_silently()
    {
        var app = Public();
#pragma warning disable CS0618 // see above
        await app.AcquireTokenByUsernamePassword(Scopes, Demo.Username, Demo.Password).ExecuteAsync();
#pragma warning restore CS0618

        var account = Assert.Single(await app.GetAccountsAsync());
        var renewed = await app.AcquireTokenSilent(Scopes, account).WithForceRefresh(true).ExecuteAsync();

        Assert.Equal(TokenSource.IdentityProvider, renewed.AuthenticationResultMetadata.TokenSource);
        Assert.Equal(200, _emulator.Requests.Snapshot().Last(r => r.Path.EndsWith("/token", StringComparison.Ordinal)).Status);
    }

    [Theory]
    [InlineData(Demo.ClientId, "wrong-secret", Demo.TenantId, "AADSTS7000215", "invalid_client")]
    [InlineData(Demo.ExpiredClientId, Demo.ExpiredSecret, Demo.TenantId, "AADSTS7000222", "invalid_client")]
    [InlineData("11111111-2222-3333-4444-555555555555", "x", Demo.TenantId, "AADSTS700016", "unauthorized_client")]
    [InlineData(Demo.ClientId, Demo.ClientSecret, "99999999-8888-7777-6666-555555555555", "AADSTS90002", "invalid_request")]
    [InlineData(Demo.ClientId, Demo.ClientSecret, "fabrikam.onmicrosoft.com", "AADSTS90002", "invalid_request")]
    public async Task Client_credentials_errors_reach_msal_with_their_aadsts_code(string clientId, string secret, string tenant, string code, string error)
    {
        var app = Confidential(clientId, secret, tenant);

        var failure = await Assert.ThrowsAsync<MsalServiceException>(() => app.AcquireTokenForClient(Scopes).ExecuteAsync());

        Assert.Contains(code, failure.Message, StringComparison.Ordinal);
        Assert.Equal(error, failure.ErrorCode);
    }

    [Theory]
    [InlineData(Demo.ClientId, Demo.Username, "wrong", "AADSTS50126")]
    [InlineData(Demo.ClientId, Demo.MfaUsername, Demo.MfaPassword, "AADSTS50076")]
    [InlineData(Demo.UnconsentedClientId, Demo.Username, Demo.Password, "AADSTS65001")]
    [InlineData(Demo.ClientId, "nobody@contoso.onmicrosoft.com", "x", "AADSTS50034")]
    public async Task Username_password_errors_reach_msal_with_their_aadsts_code(string clientId, string username, string password, string code)
    {
        var app = Public(clientId);

#pragma warning disable CS0618 // see above
        var failure = await Assert.ThrowsAnyAsync<MsalServiceException>(() => app.AcquireTokenByUsernamePassword(Scopes, username, password).ExecuteAsync());
#pragma warning restore CS0618

        Assert.Contains(code, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_for_another_resource_is_refused()
    {
        var app = Confidential();

        var failure = await Assert.ThrowsAsync<MsalServiceException>(() => app.AcquireTokenForClient(["https://contoso.crm4.dynamics.com/.default"]).ExecuteAsync());

        Assert.Contains("AADSTS500011", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Msal_needs_no_certificate_trust_beyond_the_pinned_thumbprint()
    {
        // Without the pinned handler, TLS validation fails: the emulator's certificate is not trusted by default.
        var app = ConfidentialClientApplicationBuilder.Create(Demo.ClientId)
            .WithClientSecret(Demo.ClientSecret)
            .WithAuthority($"{_emulator.BaseUri}{Demo.TenantId}", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .Build();

        await Assert.ThrowsAnyAsync<Exception>(() => app.AcquireTokenForClient(Scopes).ExecuteAsync());
        Assert.DoesNotContain(_emulator.Requests.Snapshot(), r => r.Status == 200);
    }

    private IPublicClientApplication Public(string clientId = Demo.ClientId) =>
        PublicClientApplicationBuilder.Create(clientId)
            .WithAuthority($"{_emulator.BaseUri}{Demo.TenantId}", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new PinnedHttpClientFactory(_emulator))
            .Build();

    private IConfidentialClientApplication Confidential(string clientId = Demo.ClientId, string secret = Demo.ClientSecret, string tenant = Demo.TenantId) =>
        ConfidentialClientApplicationBuilder.Create(clientId)
            .WithClientSecret(secret)
            .WithAuthority($"{_emulator.BaseUri}{tenant}", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new PinnedHttpClientFactory(_emulator))
            .Build();
}
