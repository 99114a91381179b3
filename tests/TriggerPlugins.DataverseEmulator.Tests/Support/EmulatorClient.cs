using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace TriggerPlugins.DataverseEmulator.Tests.Support;

/// <summary>
/// A Web API client as the plugin uses it: pinned certificate, bearer token, OData headers.
/// </summary>
internal sealed class EmulatorClient : IDisposable
{
    private EmulatorClient(DataverseEmulator emulator, HttpClient http, string? token)
    {
        Emulator = emulator;
        Http = http;
        Token = token;
    }

    public DataverseEmulator Emulator { get; }

    public HttpClient Http { get; }

    public string? Token { get; set; }

    public static EmulatorClient Anonymous(DataverseEmulator emulator) =>
        new(emulator, new HttpClient(emulator.CreateHttpMessageHandler()) { BaseAddress = emulator.BaseUri }, null);

    /// <summary>A client holding an application token (client credentials).</summary>
    public static async Task<EmulatorClient> ForApplicationAsync(DataverseEmulator emulator, string clientId = Demo.ClientId, string secret = Demo.ClientSecret)
    {
        var client = Anonymous(emulator);
        using var response = await client.RequestTokenAsync(Demo.TenantId, new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = $"{emulator.BaseUri}.default",
        });
        client.Token = await AccessTokenOf(response);
        return client;
    }

    /// <summary>A client holding a user token (username/password grant).</summary>
    public static async Task<EmulatorClient> ForUserAsync(DataverseEmulator emulator, string username = Demo.Username, string password = Demo.Password)
    {
        var client = Anonymous(emulator);
        using var response = await client.RequestTokenAsync(Demo.TenantId, new()
        {
            ["grant_type"] = "password",
            ["client_id"] = Demo.ClientId,
            ["client_secret"] = Demo.ClientSecret,
            ["username"] = username,
            ["password"] = password,
            ["scope"] = $"{emulator.BaseUri}.default openid profile offline_access",
        });
        client.Token = await AccessTokenOf(response);
        return client;
    }

    public Task<HttpResponseMessage> RequestTokenAsync(string tenant, Dictionary<string, string> form) =>
        Http.PostAsync($"{tenant}/oauth2/v2.0/token", new FormUrlEncodedContent(form));

    public Task<HttpResponseMessage> GetAsync(string relative) => SendAsync(HttpMethod.Get, relative, body: null);

    public Task<HttpResponseMessage> PostAsync(string relative, JsonObject body, bool representation = false) =>
        SendAsync(HttpMethod.Post, relative, body, representation);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, JsonObject? body, bool representation = false)
    {
        using var request = new HttpRequestMessage(method, "api/data/v9.2/" + relative);
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        request.Headers.Add("OData-MaxVersion", "4.0");
        request.Headers.Add("OData-Version", "4.0");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (representation)
        {
            request.Headers.Add("Prefer", "return=representation");
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return await Http.SendAsync(request);
    }

    /// <summary>GET and parse a collection's <c>value</c>.</summary>
    public async Task<JsonArray> QueryAsync(string relative)
    {
        using var response = await GetAsync(relative);
        var body = await JsonOf(response);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return body["value"]!.AsArray();
    }

    public static async Task<JsonObject> JsonOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    /// <summary>The Dataverse error of a response: (status, code, message).</summary>
    public static async Task<(int Status, string Code, string Message)> ErrorOf(HttpResponseMessage response)
    {
        var error = (await JsonOf(response))["error"]!;
        return ((int)response.StatusCode, error["code"]!.GetValue<string>(), error["message"]!.GetValue<string>());
    }

    public void Dispose() => Http.Dispose();

    private static async Task<string> AccessTokenOf(HttpResponseMessage response)
    {
        var body = await JsonOf(response);
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["access_token"]!.GetValue<string>();
    }
}
