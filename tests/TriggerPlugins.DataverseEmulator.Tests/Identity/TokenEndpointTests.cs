using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator.Tests.Support;

namespace TriggerPlugins.DataverseEmulator.Tests.Identity;

/// <summary>The token endpoint's wire format, as Azure AD answers.</summary>
public sealed class TokenEndpointTests : IAsyncLifetime
{
    private DataverseEmulator _emulator = null!;
    private EmulatorClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await DataverseEmulator.StartAsync(new EmulatorOptions { TokenLifetime = TimeSpan.FromMinutes(30) });
        _client = EmulatorClient.Anonymous(_emulator);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Client_credentials_answer_has_azure_ad_shape_and_lifetime()
    {
        using var response = await _client.RequestTokenAsync(Demo.Domain, ClientCredentials());
        var body = await EmulatorClient.JsonOf(response);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(1800, body["expires_in"]!.GetValue<int>());
        Assert.Equal(3, body["access_token"]!.GetValue<string>().Split('.').Length);
        Assert.Null(body["refresh_token"]);
    }

    [Theory]
    [InlineData("client_secret", "wrong", 401, "invalid_client", 7000215)]
    [InlineData("client_id", "11111111-2222-3333-4444-555555555555", 400, "unauthorized_client", 700016)]
    [InlineData("client_secret", "", 401, "invalid_client", 7000218)]
    [InlineData("grant_type", "authorization_code", 400, "unsupported_grant_type", 70003)]
    [InlineData("scope", "https://contoso.crm4.dynamics.com/.default", 400, "invalid_resource", 500011)]
    [InlineData("scope", "user_impersonation", 400, "invalid_scope", 70011)]
    public async Task Client_credentials_errors_have_azure_ad_codes_and_statuses(string field, string value, int status, string error, int code)
    {
        var form = ClientCredentials();
        form[field] = value;

        using var response = await _client.RequestTokenAsync(Demo.TenantId, form);

        await AssertAadError(response, status, error, code);
    }

    [Fact]
    public async Task Client_credentials_need_a_default_scope()
    {
        var form = ClientCredentials();
        form["scope"] = $"{_emulator.BaseUri}user_impersonation";

        using var response = await _client.RequestTokenAsync(Demo.TenantId, form);

        await AssertAadError(response, 400, "invalid_scope", 1002012);
    }

    [Fact]
    public async Task Weburl_with_trailing_slash_plus_default_names_the_same_resource()
    {
        var form = ClientCredentials();
        form["scope"] = $"{_emulator.BaseUri}/.default";

        using var response = await _client.RequestTokenAsync(Demo.TenantId, form);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Unknown_tenant_is_aadsts90002()
    {
        using var response = await _client.RequestTokenAsync("fabrikam.onmicrosoft.com", ClientCredentials());

        await AssertAadError(response, 400, "invalid_request", 90002);
    }

    [Fact]
    public async Task Expired_secret_is_aadsts7000222()
    {
        var form = ClientCredentials();
        form["client_id"] = Demo.ExpiredClientId;
        form["client_secret"] = Demo.ExpiredSecret;

        using var response = await _client.RequestTokenAsync(Demo.TenantId, form);

        await AssertAadError(response, 401, "invalid_client", 7000222);
    }

    [Fact]
    public async Task Password_grant_returns_the_id_token_and_client_info_msal_caches_by()
    {
        using var response = await _client.RequestTokenAsync(Demo.TenantId, Password(Demo.Username, Demo.Password));
        var body = await EmulatorClient.JsonOf(response);

        Assert.Equal(200, (int)response.StatusCode);
        var clientInfo = JsonNode.Parse(Convert.FromBase64String(PadBase64(body["client_info"]!.GetValue<string>())))!;
        Assert.Equal(Demo.TenantId, clientInfo["utid"]!.GetValue<string>());
        var idToken = body["id_token"]!.GetValue<string>().Split('.')[1];
        var claims = JsonNode.Parse(Convert.FromBase64String(PadBase64(idToken)))!;
        Assert.Equal(Demo.Username, claims["preferred_username"]!.GetValue<string>());
        Assert.Equal(clientInfo["uid"]!.GetValue<string>(), claims["oid"]!.GetValue<string>());
        Assert.NotNull(body["refresh_token"]);
    }

    [Theory]
    [InlineData(Demo.Username, "Wrong-Password", 50126)]
    [InlineData(Demo.MfaUsername, Demo.MfaPassword, 50076)]
    [InlineData("ghost@contoso.onmicrosoft.com", "x", 50034)]
    public async Task Password_grant_errors_are_invalid_grant_with_their_code(string username, string password, int code)
    {
        using var response = await _client.RequestTokenAsync(Demo.TenantId, Password(username, password));

        await AssertAadError(response, 400, "invalid_grant", code);
    }

    [Fact]
    public async Task Password_grant_checks_a_client_secret_when_one_is_sent()
    {
        var form = Password(Demo.Username, Demo.Password);
        form["client_secret"] = "wrong";

        using var response = await _client.RequestTokenAsync(Demo.TenantId, form);

        await AssertAadError(response, 401, "invalid_client", 7000215);
    }

    [Fact]
    public async Task Password_grant_without_secret_needs_public_client_flows()
    {
        var form = Password(Demo.Username, Demo.Password);
        form["client_id"] = Demo.ExpiredClientId;

        using var response = await _client.RequestTokenAsync(Demo.TenantId, form);

        await AssertAadError(response, 401, "invalid_client", 7000218);
    }

    [Fact]
    public async Task App_without_consent_fails_the_password_grant_with_aadsts65001()
    {
        var form = Password(Demo.Username, Demo.Password);
        form["client_id"] = Demo.UnconsentedClientId;

        using var response = await _client.RequestTokenAsync(Demo.TenantId, form);

        await AssertAadError(response, 400, "invalid_grant", 65001);
    }

    [Fact]
    public async Task Error_body_carries_the_client_request_id_as_correlation_id()
    {
        // Not "bad": that is hex, and a random id in the body (the correlation id, a trace id) holds it now and then.
        const string wrongPassword = "Wrong-Pass-Quiz";
        var correlation = Guid.NewGuid().ToString("D");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Demo.TenantId}/oauth2/v2.0/token")
        {
            Content = new FormUrlEncodedContent(Password(Demo.Username, wrongPassword)),
        };
        request.Headers.Add("client-request-id", correlation);

        using var response = await _client.Http.SendAsync(request);
        var body = await EmulatorClient.JsonOf(response);

        Assert.Equal(correlation, body["correlation_id"]!.GetValue<string>());
        Assert.Contains($"Correlation ID: {correlation}", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_realm_discovery_says_managed_for_seeded_domains_only()
    {
        var known = await EmulatorClient.JsonOf(await _client.Http.GetAsync($"common/userrealm/{Demo.Username}?api-version=1.0"));
        var unknown = await EmulatorClient.JsonOf(await _client.Http.GetAsync("common/userrealm/someone@fabrikam.com?api-version=1.0"));

        Assert.Equal("Managed", known["account_type"]!.GetValue<string>());
        Assert.Equal(Demo.Domain, known["domain_name"]!.GetValue<string>());
        Assert.Equal("Unknown", unknown["account_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Openid_configuration_points_at_the_token_endpoint()
    {
        var body = await EmulatorClient.JsonOf(await _client.Http.GetAsync($"{Demo.Domain}/v2.0/.well-known/openid-configuration"));

        Assert.Equal($"{_emulator.BaseUri}{Demo.TenantId}/oauth2/v2.0/token", body["token_endpoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_endpoint_down_answers_503_and_recovers()
    {
        _emulator.Faults.TokenEndpointDown = true;
        using var down = await _client.RequestTokenAsync(Demo.TenantId, ClientCredentials());
        _emulator.Faults.TokenEndpointDown = false;
        using var up = await _client.RequestTokenAsync(Demo.TenantId, ClientCredentials());

        await AssertAadError(down, 503, "temporarily_unavailable", 90033);
        Assert.Equal(200, (int)up.StatusCode);
    }

    [Fact]
    public async Task Get_on_the_token_endpoint_is_refused()
    {
        using var response = await _client.Http.GetAsync($"{Demo.TenantId}/oauth2/v2.0/token");

        await AssertAadError(response, 400, "invalid_request", 900561);
    }

    private Dictionary<string, string> ClientCredentials() => new()
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = Demo.ClientId,
        ["client_secret"] = Demo.ClientSecret,
        ["scope"] = $"{_emulator.BaseUri}.default",
    };

    private Dictionary<string, string> Password(string username, string password) => new()
    {
        ["grant_type"] = "password",
        ["client_id"] = Demo.ClientId,
        ["username"] = username,
        ["password"] = password,
        ["scope"] = $"{_emulator.BaseUri}.default openid profile offline_access",
        ["client_info"] = "1",
    };

    private static async Task AssertAadError(HttpResponseMessage response, int status, string error, int code)
    {
        var body = await EmulatorClient.JsonOf(response);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.Equal(code, body["error_codes"]![0]!.GetValue<int>());
        Assert.StartsWith($"AADSTS{code}: ", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var field in new[] { "timestamp", "trace_id", "correlation_id" })
        {
            Assert.False(string.IsNullOrEmpty(body[field]?.GetValue<string>()), $"{field} missing in {body}");
        }
    }

    private static string PadBase64(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
    }
}
