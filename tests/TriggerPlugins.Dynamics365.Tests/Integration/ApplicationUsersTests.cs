using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Dynamics365.Http;
using TriggerPlugins.Dynamics365.Tests.Support;
using static TriggerPlugins.Dynamics365.Tests.Support.DemoTenant;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>
/// An account with several application users: requests are spread over them and each has its own service protection
/// budget (the emulator's documented limits, time-scaled x100: 60 requests per 3 s per user).
/// </summary>
public sealed class ApplicationUsersTests(LoadedPlugin plugin) : IClassFixture<LoadedPlugin>
{
    private static readonly (string ClientId, string Secret)[] MoreUsers =
    [
        ("5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "second-secret"),
        ("6b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e", "third-secret"),
    ];

    [Fact]
    public async Task Three_users_carry_a_burst_one_user_cannot_without_a_single_429()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin, new EmulatorOptions { Seed = SeedWithMoreApplicationUsers(), Faults = DocumentedLimits() });
        var account = harness.Account(a => a["applicationUsers"] = new JsonArray([.. MoreUsers.Select(u => (JsonNode)new JsonObject { ["clientId"] = u.ClientId, ["clientSecret"] = u.Secret })]));

        // 45 new callers: 90 Web API requests, more than one user's 60 in the window.
        var outcomes = await Burst(harness, account, 45);

        Assert.All(outcomes, o => Assert.IsType<ActionSucceeded>(o));
        var webApi = harness.Emulator.Requests.Snapshot().Where(r => r.Path.StartsWith(Api, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(webApi, r => r.Status == 429);
        var perUser = webApi.GroupBy(r => r.Caller).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(3, perUser.Count);
        Assert.All(perUser.Values, count => Assert.InRange(count, 20, 40));
    }

    [Fact]
    public async Task The_same_burst_on_one_user_is_throttled()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin, new EmulatorOptions { Seed = SeedWithMoreApplicationUsers(), Faults = DocumentedLimits() });

        var outcomes = await Burst(harness, harness.Account(), 45);

        Assert.Contains(outcomes, o => o is ActionFailedTransient);
        // Only requests already on their way when the 429 came back can reach the open window (at most one per
        // in-flight slot); everything after it is held by the plugin.
        Assert.InRange(harness.Emulator.RequestsIntoOpenWindow, 0, ServiceProtectionHandler.MaxConcurrency);
        Assert.InRange(harness.Emulator.Requests.Snapshot().Count(r => r.Status == 429), 1, 1 + ServiceProtectionHandler.MaxConcurrency);
    }

    private static EmulatorFaults DocumentedLimits()
    {
        var faults = new EmulatorFaults();
        faults.UseDocumentedServiceProtection(timeScale: 100);
        return faults;
    }

    private static Task<ActionOutcome[]> Burst(EmulatorHarness harness, JsonObject account, int calls)
        => Task.WhenAll(Enumerable.Range(1, calls).Select(i => harness.ExecuteAsync(
            SampleCalls.Inbound with { Id = $"call-{i}", CallerNumber = $"+39 333 200 {i:D4}", Agent = null }, $"delivery-{i}", account)));

    private static EmulatorSeed SeedWithMoreApplicationUsers()
    {
        var seed = EmulatorSeed.Demo();
        foreach (var (clientId, secret) in MoreUsers)
        {
            seed.Tenants[0].Applications.Add(new SeedApplication { ClientId = Guid.Parse(clientId), DisplayName = "Motion Integration " + secret, ClientSecret = secret });
            seed.Records["systemusers"].Add(new JsonObject { ["fullname"] = "Motion Integration " + secret, ["applicationid"] = clientId });
        }

        return seed;
    }
}
