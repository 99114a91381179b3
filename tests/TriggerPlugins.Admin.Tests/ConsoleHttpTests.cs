using System.Net;
using System.Text.RegularExpressions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Admin.Tests;

/// <summary>The console over plain HTTP: what a client without a browser gets.</summary>
public sealed partial class ConsoleHttpTests
{
    [Fact]
    public async Task Every_page_but_sign_in_redirects_to_sign_in_and_its_form_carries_an_antiforgery_token()
    {
        await using var host = await ConsoleHost.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseUri };
        foreach (var path in new[] { "/admin", "/admin/deliveries", "/admin/accounts/edit", "/admin/apikeys" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.StartsWith("/admin/login", response.Headers.Location?.AbsolutePath, StringComparison.Ordinal);
        }

        using var login = await client.GetAsync("/admin/login");
        var html = await login.Content.ReadAsStringAsync();
        Assert.True(login.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains("__RequestVerificationToken", html, StringComparison.Ordinal);

        // A form post without the token is refused before any password is checked.
        using var forged = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = ConsoleHost.UserName, ["Password"] = ConsoleHost.Password }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task An_accounts_secrets_are_never_sent_to_the_browser_only_whether_they_are_stored_or_which_variable_holds_them()
    {
        await using var host = await ConsoleHost.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(host.ConfigDirectory, "accounts", "prod.json"), """
            { "plugin": "dynamics365", "tenantId": "contoso.onmicrosoft.com", "clientId": "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20",
              "clientSecret": "env:D365_CLIENT_SECRET", "password": "p4ssw0rd-in-the-file", "weburl": "https://contoso.crm4.dynamics.com/" }
            """);
        using var client = await SignedInClientAsync(host);

        var html = await client.GetStringAsync("/admin/accounts/edit?name=prod");

        Assert.Contains("contoso.onmicrosoft.com", html, StringComparison.Ordinal);
        Assert.Contains("placeholder=\"read from env:D365_CLIENT_SECRET: leave blank to keep it\"", html, StringComparison.Ordinal);
        Assert.Contains("placeholder=\"stored: leave blank to keep it\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("p4ssw0rd-in-the-file", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_overview_counts_pending_and_dead_lettered_deliveries_from_the_store()
    {
        await using var host = await ConsoleHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        NewDelivery Delivery(string call) => new(
            DeliveryIds.Create(call, "t", 0), call, $$"""{"id":"{{call}}","kind":"callEnd"}""", "t", 0, new TriggerAction("dynamics365", "contoso", "default"));
        await host.Store.EnqueueManyAsync([Delivery("a"), Delivery("b"), Delivery("c")], now, default);
        await host.Store.TryClaimAsync(Delivery("c").Id, now, default);
        await host.Store.DeadLetterAsync(Delivery("c").Id, "invalid client secret", "auth.invalid-secret", now, default);
        using var client = await SignedInClientAsync(host);

        var html = await client.GetStringAsync("/admin");

        Assert.Contains(">2 pending deliveries</a>", html, StringComparison.Ordinal);
        Assert.Contains(">1 dead-lettered delivery</a>", html, StringComparison.Ordinal);
    }

    private static async Task<HttpClient> SignedInClientAsync(ConsoleHost host)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = host.BaseUri };
        var login = await client.GetStringAsync("/admin/login");
        var token = TokenPattern().Match(login).Groups[1].Value;
        using var signedIn = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = ConsoleHost.UserName, ["Password"] = ConsoleHost.Password, ["__RequestVerificationToken"] = token,
        }));
        Assert.Contains("<h1>Overview</h1>", await signedIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
