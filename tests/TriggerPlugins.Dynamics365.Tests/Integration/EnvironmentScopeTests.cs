using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Tests.Support;
using static TriggerPlugins.Dynamics365.Tests.Support.DemoTenant;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>Contacts belong to the environment: two accounts of one weburl share the contact cache and the per-number lock.</summary>
public sealed class EnvironmentScopeTests(LoadedPlugin plugin) : IClassFixture<LoadedPlugin>
{
    [Fact]
    public async Task A_new_number_arriving_on_two_accounts_of_one_environment_at_once_makes_one_contact()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var application = harness.Account();
        var integrationUser = harness.Account(a =>
        {
            a["authMode"] = "usernamePassword";
            a.Remove("clientSecret");
            a["username"] = "motion@contoso.onmicrosoft.com";
            a["password"] = "Demo-Password-1";
        });
        var call = SampleCalls.Inbound with { CallerNumber = "+39 333 444 5566", CallerName = "Twin Caller", Agent = null };

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 10).Select(i =>
            harness.ExecuteAsync(call with { Id = $"call-{i}" }, $"delivery-{i}", i % 2 == 0 ? application : integrationUser)));

        Assert.All(outcomes, o => Assert.IsType<ActionSucceeded>(o));
        var contact = Assert.Single(harness.Emulator.Store.Records("contacts"), c => (string?)c["telephone1"] == "+393334445566");
        Assert.All(harness.Emulator.Store.Records("incidents"), i => Assert.Equal((string?)contact["contactid"], (string?)i["_customerid_value"]));
        Assert.Equal(1, harness.Requests().Count(r => r == $"GET {Api}/contacts"));
        // Both accounts really ran: each signed in (one token per account).
        Assert.Equal(2, harness.Requests().Count(r => r.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal)));
    }
}
