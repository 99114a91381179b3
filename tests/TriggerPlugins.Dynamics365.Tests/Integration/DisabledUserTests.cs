using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Tests.Support;
using static TriggerPlugins.Dynamics365.Tests.Support.DemoTenant;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>Disabled Dynamics 365 users never cost a ticket (the demo seed has a disabled user and a shared email).</summary>
public sealed class DisabledUserTests(LoadedPlugin plugin) : IClassFixture<LoadedPlugin>
{
    [Fact]
    public async Task When_a_disabled_and_an_enabled_user_share_the_email_the_enabled_one_owns_the_ticket()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var call = SampleCalls.Inbound with { Agent = new AgentInfo { Name = "Elena Russo", Email = "elena.russo@contoso.com" } };

        var success = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call, "delivery-1"));

        Assert.Equal(ElenaRussoEnabled, (string?)Assert.Single(harness.Emulator.Store.Records("incidents"))["_ownerid_value"]);
        Assert.Empty(success.Notes);
        var lookup = harness.Emulator.Requests.Snapshot().Single(r => r.Path == $"{Api}/systemusers");
        Assert.Contains("internalemailaddress eq 'elena.russo@contoso.com' and isdisabled eq false", Uri.UnescapeDataString(lookup.Query), StringComparison.Ordinal);
        // The sample call is a call-end: its ticket and phone call go in one $batch change set.
        Assert.Equal(1, harness.Requests().Count(r => r == $"POST {Api}/$batch"));
    }

    [Fact]
    public async Task An_agent_whose_only_user_is_disabled_gets_a_ticket_owned_by_the_integration_user()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var call = SampleCalls.Inbound with { Agent = new AgentInfo { Name = "Dario Gallo", Email = "dario.gallo@contoso.com" } };

        var success = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call, "delivery-1"));

        Assert.Equal(MotionIntegration, (string?)Assert.Single(harness.Emulator.Store.Records("incidents"))["_ownerid_value"]);
        Assert.Contains(success.Notes, n => n.Contains("No enabled Dynamics 365 user has the primary email (internalemailaddress) dario.gallo@contoso.com of agent 'Dario Gallo'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Several_enabled_users_with_the_email_give_the_lowest_id_and_a_note()
    {
        var seed = DataverseEmulator.EmulatorSeed.Demo();
        seed.Records["systemusers"].Add(new System.Text.Json.Nodes.JsonObject
        {
            ["systemuserid"] = "00000000-0000-0000-0000-0000000000a1",
            ["fullname"] = "Alice Rossi (second licence)",
            ["internalemailaddress"] = "alice.rossi@contoso.com",
        });
        await using var harness = await EmulatorHarness.StartAsync(plugin, new DataverseEmulator.EmulatorOptions { Seed = seed });

        var success = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1"));

        Assert.Equal("00000000-0000-0000-0000-0000000000a1", (string?)Assert.Single(harness.Emulator.Store.Records("incidents"))["_ownerid_value"]);
        Assert.Contains(success.Notes, n => n.Contains("2 enabled Dynamics 365 users have the agent's email; the ticket is owned by 'Alice Rossi (second licence)'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_user_disabled_after_it_was_cached_is_refused_and_the_ticket_is_created_once_more_for_the_integration_user()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1"));
        harness.Emulator.Store.SetUserDisabled(Guid.Parse(AliceRossi), disabled: true);
        harness.Emulator.Requests.Clear();

        var success = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound with { Id = "call-2" }, "delivery-2"));

        Assert.Equal([$"POST {Api}/$batch", $"POST {Api}/$batch"], harness.Requests());
        // A $batch answers 200 with the failed change set inside; the first one was refused, so nothing of it was stored.
        Assert.Equal(2, harness.Emulator.Store.Records("incidents").Count);
        var second = Assert.Single(harness.Emulator.Store.Records("incidents"), i => (string?)i["incidentid"] == success.ExternalId);
        Assert.Equal(MotionIntegration, (string?)second["_ownerid_value"]);
        Assert.Contains(success.Notes, n => n.Contains("Dataverse refused agent 'Alice Rossi''s Dynamics 365 user as the ticket's owner", StringComparison.Ordinal)
            && n.Contains("either disabled or is not a member of any business unit", StringComparison.Ordinal));

        // The cached user was forgotten: the next call looks again and finds no enabled user.
        harness.Emulator.Requests.Clear();
        var third = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound with { Id = "call-3" }, "delivery-3"));
        Assert.Equal([$"GET {Api}/systemusers", $"POST {Api}/$batch"], harness.Requests());
        Assert.Contains(third.Notes, n => n.Contains("No enabled Dynamics 365 user", StringComparison.Ordinal));
    }
}
