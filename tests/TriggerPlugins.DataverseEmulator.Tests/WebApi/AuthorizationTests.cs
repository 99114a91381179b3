using System.Net;
using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.DataverseEmulator.Tests.Support;

namespace TriggerPlugins.DataverseEmulator.Tests.WebApi;

/// <summary>Bearer tokens and OData headers at the Web API's door.</summary>
public sealed class AuthorizationTests
{
    [Fact]
    public async Task No_token_is_401_with_a_bearer_challenge_naming_the_authority()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var client = EmulatorClient.Anonymous(emulator);

        using var response = await client.GetAsync("WhoAmI");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer", challenge, StringComparison.Ordinal);
        Assert.Contains($"{emulator.BaseUri}{Demo.TenantId}/oauth2/authorize", challenge, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")]
    public async Task Malformed_or_foreign_token_is_401(string token)
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var client = EmulatorClient.Anonymous(emulator);
        client.Token = token;

        using var response = await client.GetAsync("contacts");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions { TokenLifetime = TimeSpan.FromMinutes(5), Clock = clock });
        using var client = await EmulatorClient.ForApplicationAsync(emulator);

        using var fresh = await client.GetAsync("WhoAmI");
        clock.Advance(TimeSpan.FromMinutes(5));
        using var expired = await client.GetAsync("WhoAmI");

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", expired.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_of_another_emulator_is_401()
    {
        await using var first = await DataverseEmulator.StartAsync(new EmulatorOptions());
        await using var second = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var firstClient = await EmulatorClient.ForApplicationAsync(first);
        using var secondClient = EmulatorClient.Anonymous(second);
        secondClient.Token = firstClient.Token;

        using var response = await secondClient.GetAsync("WhoAmI");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Token_of_another_tenant_is_401()
    {
        var seed = EmulatorSeed.Demo();
        var other = new SeedTenant { TenantId = Guid.NewGuid(), Domains = { "fabrikam.onmicrosoft.com" } };
        other.Applications.Add(new SeedApplication { ClientId = Guid.Parse(Demo.ClientId), ClientSecret = "fabrikam-secret", DisplayName = "Multi-tenant app" });
        seed.Tenants.Add(other);
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions { Seed = seed });
        using var client = EmulatorClient.Anonymous(emulator);
        using var tokenResponse = await client.RequestTokenAsync("fabrikam.onmicrosoft.com", new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = Demo.ClientId,
            ["client_secret"] = "fabrikam-secret",
            ["scope"] = $"{emulator.BaseUri}.default",
        });
        client.Token = (await EmulatorClient.JsonOf(tokenResponse))["access_token"]!.GetValue<string>();

        using var response = await client.GetAsync("WhoAmI");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("another tenant", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_without_application_user_is_403_not_a_member()
    {
        var seed = EmulatorSeed.Demo();
        var lonely = new SeedApplication { ClientId = Guid.NewGuid(), ClientSecret = "s", DisplayName = "No app user" };
        seed.Tenants[0].Applications.Add(lonely);
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions { Seed = seed });
        using var client = await EmulatorClient.ForApplicationAsync(emulator, lonely.ClientId.ToString(), "s");

        using var response = await client.GetAsync("WhoAmI");

        var (status, code, message) = await EmulatorClient.ErrorOf(response);
        Assert.Equal((403, "0x80072560"), (status, code));
        Assert.Contains("not a member of the organization", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OData-MaxVersion")]
    [InlineData("OData-Version")]
    [InlineData("Accept")]
    public async Task Missing_odata_header_is_400_naming_it(string header)
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var client = await EmulatorClient.ForApplicationAsync(emulator);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/data/v9.2/contacts");
        request.Headers.Authorization = new("Bearer", client.Token);
        foreach (var (name, value) in new[] { ("OData-MaxVersion", "4.0"), ("OData-Version", "4.0"), ("Accept", "application/json") })
        {
            if (name != header)
            {
                request.Headers.Add(name, value);
            }
        }

        using var response = await client.Http.SendAsync(request);

        var (status, _, message) = await EmulatorClient.ErrorOf(response);
        Assert.Equal(400, status);
        Assert.Contains($"'{header}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_without_json_content_type_is_415()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var client = await EmulatorClient.ForApplicationAsync(emulator);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/data/v9.2/contacts")
        {
            Content = new StringContent("firstname=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new("Bearer", client.Token);
        request.Headers.Add("OData-MaxVersion", "4.0");
        request.Headers.Add("OData-Version", "4.0");
        request.Headers.Add("Accept", "application/json");

        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, emulator.Store.Count("contacts") - EmulatorSeed.Demo().Records["contacts"].Count);
    }

    [Fact]
    public async Task Who_am_i_names_the_callers_systemuser()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var app = await EmulatorClient.ForApplicationAsync(emulator);
        using var user = await EmulatorClient.ForUserAsync(emulator);

        var appUser = await EmulatorClient.JsonOf(await app.GetAsync("WhoAmI"));
        var integrationUser = await EmulatorClient.JsonOf(await user.GetAsync("WhoAmI()"));

        var systemUsers = emulator.Store.Records("systemusers");
        Assert.Equal(
            systemUsers.Single(u => u["applicationid"]?.GetValue<string>() == Demo.ClientId)["systemuserid"]!.GetValue<string>(),
            appUser["UserId"]!.GetValue<string>());
        Assert.Equal(
            systemUsers.Single(u => u["domainname"]?.GetValue<string>() == Demo.Username)["systemuserid"]!.GetValue<string>(),
            integrationUser["UserId"]!.GetValue<string>());
        Assert.Equal(appUser["OrganizationId"]!.GetValue<string>(), integrationUser["OrganizationId"]!.GetValue<string>());
    }
}
