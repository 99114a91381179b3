using System.Net;

namespace TriggerPlugins.Admin.Tests;

/// <summary>The console over plain HTTP: what a client without a browser gets.</summary>
public sealed class ConsoleHttpTests
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
}
