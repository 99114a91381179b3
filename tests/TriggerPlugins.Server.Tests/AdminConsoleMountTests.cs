using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TriggerPlugins.Admin.ApiKeys;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Server.Tests;

/// <summary>Issue #16: `triggers serve` serves the admin console under /admin, and keys made there work without a restart.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class AdminConsoleMountTests
{
    [Fact]
    public async Task The_console_is_served_under_admin_and_asks_for_a_sign_in()
    {
        await using var server = await ServerFixture.StartAsync();
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Client.BaseAddress };

        using var home = await noRedirects.GetAsync(new Uri("/admin", UriKind.Relative));
        using var login = await noRedirects.GetAsync(new Uri("/admin/login", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/admin/login", home.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("<form", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_created_while_the_service_runs_is_accepted_at_once_and_a_revoked_one_is_refused()
    {
        await using var server = await ServerFixture.StartAsync();
        using var keys = new ApiKeyStore(server.Data, TimeProvider.System);
        var created = await keys.CreateAsync("console-made", CancellationToken.None);
        Assert.NotNull(created);
        var firstEvent = File.ReadLines(Path.Combine(TriggersProcess.SamplesDirectory, "events", "calls.ndjson")).First().Replace("demo-0001", "key-reload-1", StringComparison.Ordinal);

        using var accepted = await PostWithKeyAsync(server, created.Value.Key, firstEvent);
        Assert.True(await keys.RevokeAsync("console-made", CancellationToken.None));
        using var refused = await PostWithKeyAsync(server, created.Value.Key, firstEvent.Replace("key-reload-1", "key-reload-2", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostWithKeyAsync(RunningServer server, string key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/events", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var anonymous = new HttpClient { BaseAddress = server.Client.BaseAddress };
        return await anonymous.SendAsync(request);
    }
}
