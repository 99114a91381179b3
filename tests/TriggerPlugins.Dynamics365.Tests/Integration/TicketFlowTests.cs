using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>The real plugin, loaded by the host from its folder, creating tickets in the emulator over HTTPS.</summary>
public sealed class TicketFlowTests(LoadedPlugin plugin) : IClassFixture<LoadedPlugin>
{
    private const string Api = "/api/data/v9.2";
    private const string MarioRossi = "984b2b66-1bc4-5d2f-a36a-b9f6f587c36b";
    private const string AliceRossi = "53cf33dc-050a-5b58-b0c1-d1989f1c67c8";
    private const string MotionIntegration = "319ccd03-516d-51bb-bd1b-15451e201de6";
    private const string TokenPath = $"/{TestSettings.TenantId}/oauth2/v2.0/token";

    [Fact]
    public async Task An_existing_contact_called_in_national_format_gets_a_ticket_owned_by_the_agent()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);

        var outcome = await harness.ExecuteAsync(SampleCalls.Inbound with { CallerNumber = "06 12345678" }, "delivery-1");

        var success = Assert.IsType<ActionSucceeded>(outcome);
        Assert.Equal(
            [$"POST {TokenPath}", $"GET {Api}/systemusers", $"GET {Api}/contacts", $"POST {Api}/$batch"],
            harness.Requests());
        var incident = Assert.Single(harness.Emulator.Store.Records("incidents"));
        Assert.Equal(success.ExternalId, (string?)incident["incidentid"]);
        Assert.Equal(MarioRossi, (string?)incident["_customerid_value"]);
        Assert.Equal(AliceRossi, (string?)incident["_ownerid_value"]);
        Assert.Equal(1, (int?)incident["caseorigincode"]);
        Assert.StartsWith("Inbound call from Mario Rossi (+39 06 1234 5678)", (string?)incident["title"], StringComparison.Ordinal);
        Assert.Equal((string?)incident["ticketnumber"], success.Number);
        Assert.False(string.IsNullOrEmpty(success.Number));
        Assert.Equal(new Uri(harness.Emulator.BaseUri, $"main.aspx?etn=incident&id={success.ExternalId}&pagetype=entityrecord"), success.Url);
        Assert.Empty(success.Notes);
    }

    [Fact]
    public async Task A_new_caller_gets_a_contact_created_with_the_ticket_then_repeat_calls_cost_one_request()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var call = SampleCalls.Inbound with { CallerNumber = "+39 02 8765 4321", CallerName = "Luca Bruni" };

        var first = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call, "delivery-1"));

        Assert.Equal(
            [$"POST {TokenPath}", $"GET {Api}/systemusers", $"GET {Api}/contacts", $"POST {Api}/$batch"],
            harness.Requests());
        var contact = Assert.Single(harness.Emulator.Store.Records("contacts"), c => (string?)c["telephone1"] == "+390287654321");
        Assert.Equal("Luca", (string?)contact["firstname"]);
        Assert.Equal("Bruni", (string?)contact["lastname"]);
        Assert.Contains(first.Notes, n => n.Contains("new contact", StringComparison.Ordinal));
        // The recorded query matched both forms of the number.
        var lookup = harness.Emulator.Requests.Snapshot().Single(r => r.Path == $"{Api}/contacts");
        Assert.Contains("telephone1 eq '+390287654321' or telephone1 eq '+39 02 8765 4321'", Uri.UnescapeDataString(lookup.Query), StringComparison.Ordinal);

        harness.Emulator.Requests.Clear();
        var second = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call with { Id = "call-2" }, "delivery-2"));

        Assert.Equal([$"POST {Api}/$batch"], harness.Requests());
        Assert.NotEqual(first.ExternalId, second.ExternalId);
        Assert.All(harness.Emulator.Store.Records("incidents"), i => Assert.Equal((string?)contact["contactid"], (string?)i["_customerid_value"]));
    }

    [Fact]
    public async Task An_agent_without_a_Dynamics_user_leaves_the_ticket_to_the_integration_user_with_a_note()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var call = SampleCalls.Inbound with { Agent = new AgentInfo { Name = "Zed Unknown", Email = "zed@contoso.com" } };

        var success = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call, "delivery-1"));

        var incident = Assert.Single(harness.Emulator.Store.Records("incidents"));
        Assert.Equal(MotionIntegration, (string?)incident["_ownerid_value"]);
        // The note names the email that needs fixing, not only the agent.
        Assert.Contains(success.Notes, n => n.Contains("No enabled Dynamics 365 user has the primary email (internalemailaddress) zed@contoso.com of agent 'Zed Unknown'", StringComparison.Ordinal));
        var lookup = harness.Emulator.Requests.Snapshot().Single(r => r.Path == $"{Api}/systemusers");
        Assert.Contains("internalemailaddress eq 'zed@contoso.com'", Uri.UnescapeDataString(lookup.Query), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_without_an_agent_makes_no_user_lookup()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);

        var success = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Abandoned, "delivery-1"));

        Assert.Equal([$"POST {TokenPath}", $"GET {Api}/contacts", $"POST {Api}/$batch"], harness.Requests());
        Assert.Equal(MotionIntegration, (string?)Assert.Single(harness.Emulator.Store.Records("incidents"))["_ownerid_value"]);
        Assert.Contains(success.Notes, n => n.Contains("no agent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_agents_email_matches_case_insensitively_and_is_cached()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var call = SampleCalls.Inbound with { Agent = SampleCalls.Inbound.Agent! with { Email = "ALICE.ROSSI@Contoso.com" } };

        await harness.ExecuteAsync(call, "delivery-1");
        await harness.ExecuteAsync(call with { Id = "call-2" }, "delivery-2");

        Assert.Equal(1, harness.Requests().Count(r => r == $"GET {Api}/systemusers"));
        Assert.All(harness.Emulator.Store.Records("incidents"), i => Assert.Equal(AliceRossi, (string?)i["_ownerid_value"]));
    }

    [Fact]
    public async Task Outbound_calls_link_the_called_party()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);

        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Outbound, "delivery-1"));

        Assert.Equal("f48620f0-0c46-5fdc-aed1-4c4ee4f5258a", (string?)Assert.Single(harness.Emulator.Store.Records("incidents"))["_customerid_value"]);
    }

    [Fact]
    public async Task Quotes_in_a_number_are_escaped_and_the_contact_is_created_with_the_number_as_received()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var call = SampleCalls.Inbound with { CallerNumber = "O'Neil 4", CallerName = null };

        var success = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call, "delivery-1"));

        var lookup = harness.Emulator.Requests.Snapshot().Single(r => r.Path == $"{Api}/contacts");
        Assert.Equal(200, lookup.Status);
        Assert.Contains("telephone1 eq 'O''Neil 4'", Uri.UnescapeDataString(lookup.Query), StringComparison.Ordinal);
        Assert.Single(harness.Emulator.Store.Records("contacts"), c => (string?)c["telephone1"] == "O'Neil 4");
        Assert.NotNull(success.Number);
    }

    [Fact]
    public async Task Anonymous_calls_share_one_unknown_caller_contact()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);

        await harness.ExecuteAsync(SampleCalls.Minimal with { CallerNumber = "anonymous" }, "delivery-1");
        await harness.ExecuteAsync(SampleCalls.Minimal with { Id = "call-2", CallerNumber = null }, "delivery-2");

        var unknown = Assert.Single(harness.Emulator.Store.Records("contacts"), c => (string?)c["lastname"] == "Unknown caller");
        Assert.All(harness.Emulator.Store.Records("incidents"), i => Assert.Equal((string?)unknown["contactid"], (string?)i["_customerid_value"]));
    }

    [Fact]
    public async Task A_burst_of_ten_calls_from_one_new_number_makes_one_contact()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var call = SampleCalls.Inbound with { CallerNumber = "+39 333 000 1111", CallerName = "Burst Caller" };

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => harness.ExecuteAsync(call with { Id = $"call-{i}" }, $"delivery-{i}")));

        Assert.All(outcomes, o => Assert.IsType<ActionSucceeded>(o));
        var contact = Assert.Single(harness.Emulator.Store.Records("contacts"), c => (string?)c["telephone1"] == "+393330001111");
        Assert.Equal(10, harness.Emulator.Store.Records("incidents").Count);
        Assert.All(harness.Emulator.Store.Records("incidents"), i => Assert.Equal((string?)contact["contactid"], (string?)i["_customerid_value"]));
        Assert.Equal(1, harness.Requests().Count(r => r == $"GET {Api}/contacts"));
        Assert.Equal(1, harness.Requests().Count(r => r == $"POST {TokenPath}"));
    }

    [Fact]
    public async Task A_retried_delivery_returns_the_same_ticket_instead_of_a_second_one()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var first = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-7"));
        harness.Emulator.Requests.Clear();

        var retry = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-7"));

        Assert.Equal(first.ExternalId, retry.ExternalId);
        Assert.Equal(first.Number, retry.Number);
        Assert.Single(harness.Emulator.Store.Records("incidents"));
        Assert.Single(harness.Emulator.Store.Records("phonecalls"));
        // The ticket is updated again and the phone call's wrap-up rewritten, in one change set.
        Assert.Equal([$"POST {Api}/$batch"], harness.Requests());
    }

    [Fact]
    public async Task Mapped_fields_reach_the_incident()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var configuration = TestSettings.Configuration(c => c["fields"] = new JsonObject
        {
            ["prioritycode"] = "1",
            ["new_callid"] = "{{ call.id }}",
            ["new_queue"] = "{{ call.queue }}",
        });

        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1", configuration: configuration));

        var incident = Assert.Single(harness.Emulator.Store.Records("incidents"));
        Assert.Equal(1, (int?)incident["prioritycode"]);
        Assert.Equal("call-in-0001", (string?)incident["new_callid"]);
        Assert.Equal("support", (string?)incident["new_queue"]);
    }

    [Fact]
    public async Task A_choice_column_mapped_by_label_gets_the_option_value_read_once_from_the_metadata()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var configuration = TestSettings.Configuration(c => c["fields"] = new JsonObject
        {
            ["prioritycode"] = "{{ if call.queue == 'support' }}low{{ else }}High{{ end }}",
            ["statuscode"] = new JsonObject { ["template"] = "{{ 3 }}", ["type"] = "choice" },
        });

        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1", configuration: configuration));
        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound with { Id = "call-in-0002" }, "delivery-2", configuration: configuration));

        Assert.All(harness.Emulator.Store.Records("incidents"), incident =>
        {
            Assert.Equal("3 3", $"{incident["prioritycode"]} {incident["statuscode"]}");
        });
        Assert.Single(harness.Requests(), r => r.Contains("EntityDefinitions(LogicalName='incident')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_label_that_is_not_an_option_leaves_the_field_out_with_a_note_naming_the_options()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var configuration = TestSettings.Configuration(c => c["fields"] = new JsonObject { ["prioritycode"] = "urgent" });

        var outcome = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1", configuration: configuration));

        Assert.Contains("fields.prioritycode rendered 'urgent', which is not an option (options: 1 High, 2 Normal, 3 Low); the field was left out.", outcome.Notes);
        Assert.Equal(2, (int?)Assert.Single(harness.Emulator.Store.Records("incidents"))["prioritycode"]);
    }

    [Fact]
    public async Task Values_only_never_read_the_metadata()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var configuration = TestSettings.Configuration(c => c["fields"] = new JsonObject { ["prioritycode"] = "{{ 1 }}" });

        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound, "delivery-1", configuration: configuration));

        Assert.Equal(1, (int?)Assert.Single(harness.Emulator.Store.Records("incidents"))["prioritycode"]);
        Assert.DoesNotContain(harness.Requests(), r => r.Contains("EntityDefinitions", StringComparison.Ordinal));
    }
}
