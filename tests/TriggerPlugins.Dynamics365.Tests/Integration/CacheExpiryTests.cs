using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Tests.Support;
using TriggerPlugins.Dynamics365.Tickets;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>
/// Issue #8: the agent and contact look-ups are cached for a bounded time, then asked again, so a renamed user or a
/// merged contact is seen; the emulator's request log shows each look-up coming back exactly when its entry expires.
/// </summary>
public sealed class CacheExpiryTests
{
    private const string Api = "/api/data/v9.2";

    [Fact]
    public async Task Look_ups_are_asked_again_once_their_cache_entries_expire()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await EmulatorHarness.StartAsync(time);
        var call = SampleCalls.Inbound;

        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call with { Id = "expiry-1" }, "expiry-1"));
        harness.Emulator.Requests.Clear();

        // Within both lifetimes: the ticket is the only request.
        time.Advance(UserDirectory.FoundLifetime - TimeSpan.FromSeconds(1));
        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call with { Id = "expiry-2" }, "expiry-2"));
        Assert.Equal([$"POST {Api}/$batch"], harness.Requests());

        // The agent's entry has expired, the contact's has not.
        harness.Emulator.Requests.Clear();
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call with { Id = "expiry-3" }, "expiry-3"));
        Assert.Equal([$"GET {Api}/systemusers", $"POST {Api}/$batch"], harness.Requests());

        // Past the contact's lifetime too: both look-ups again (the token is still valid: no token request).
        harness.Emulator.Requests.Clear();
        time.Advance(ContactDirectory.Lifetime);
        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call with { Id = "expiry-4" }, "expiry-4"));
        Assert.Equal([$"GET {Api}/systemusers", $"GET {Api}/contacts", $"POST {Api}/$batch"], harness.Requests());
    }
}
