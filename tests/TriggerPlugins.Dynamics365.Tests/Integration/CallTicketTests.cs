using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Tests.Support;
using TriggerPlugins.Dynamics365.Tickets;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>
/// Issue #18: one ticket per call, kept up to date through its events, and the ended call logged as a completed phone
/// call regarding it; in steady state one request per event, and a single ended event costs one request.
/// </summary>
public sealed class CallTicketTests(LoadedPlugin plugin) : IClassFixture<LoadedPlugin>
{
    private const string Api = "/api/data/v9.2";
    private const string MarioRossi = "984b2b66-1bc4-5d2f-a36a-b9f6f587c36b";
    private const string AliceRossi = "53cf33dc-050a-5b58-b0c1-d1989f1c67c8";

    [Fact]
    public async Task A_three_event_call_costs_three_requests_and_makes_one_ticket_updated_to_its_last_event_with_one_phone_call()
    {
        await using var harness = await WarmAsync();
        var (start, connect, end) = Events("call-3e");

        var outcomes = new List<ActionSucceeded>();
        foreach (var (call, delivery) in new[] { (start, "d-1"), (connect, "d-2"), (end, "d-3") })
        {
            outcomes.Add(Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call, delivery)));
        }

        Assert.Equal([$"POST {Api}/incidents", $"PATCH {Api}/incidents({outcomes[0].ExternalId})", $"POST {Api}/$batch"], harness.Requests());
        Assert.Single(outcomes.Select(o => (o.ExternalId, o.Number)).Distinct());
        var incident = Incident(harness, outcomes[0].ExternalId);
        Assert.Contains("resolved", incident["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(AliceRossi, (string?)incident["_ownerid_value"]);
        Assert.Equal(MarioRossi, (string?)incident["_customerid_value"]);

        var phoneCall = PhoneCall(harness, outcomes[0].ExternalId);
        Assert.Equal(IncidentIds.PhoneCallOf(Guid.Parse(outcomes[0].ExternalId)).ToString(), (string?)phoneCall["activityid"]);
        Assert.Equal(outcomes[0].ExternalId, (string?)phoneCall["_regardingobjectid_value"]);
        Assert.Equal((1, 4), ((int)phoneCall["statecode"]!, (int)phoneCall["statuscode"]!)); // Completed, Received
        Assert.False((bool)phoneCall["directioncode"]!);
        Assert.Equal(7, (int)phoneCall["actualdurationminutes"]!);
        Assert.Equal("+390612345678", (string?)phoneCall["phonenumber"]);
        Assert.Equal("Call from Mario Rossi", (string?)phoneCall["subject"]);
        Assert.Contains("Recording: recordings/2025/03/14/call-in-0001.wav", (string?)phoneCall["description"], StringComparison.Ordinal);
        Assert.Equal([(1, MarioRossi), (2, AliceRossi)], Parties(harness, phoneCall));
    }

    [Fact]
    public async Task A_call_with_only_its_end_event_costs_one_request()
    {
        await using var harness = await WarmAsync();

        var outcome = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(Events("call-1e").End, "d-1"));

        Assert.Equal([$"POST {Api}/$batch"], harness.Requests());
        Assert.NotNull(outcome.Number);
        Assert.Equal(outcome.Number, (string?)Incident(harness, outcome.ExternalId)["ticketnumber"]);
        PhoneCall(harness, outcome.ExternalId);
    }

    [Fact]
    public async Task An_outbound_call_is_made_by_the_agent_to_the_contact()
    {
        await using var harness = await WarmAsync();
        var (_, _, end) = Events("call-out");

        var outcome = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(end with { Direction = CallDirection.Outbound, CallerNumber = "0299990000", CalledNumber = "+39 06 1234 5678" }, "d-1"));

        var phoneCall = PhoneCall(harness, outcome.ExternalId);
        Assert.Equal((1, 2), ((int)phoneCall["statecode"]!, (int)phoneCall["statuscode"]!)); // Completed, Made
        Assert.True((bool)phoneCall["directioncode"]!);
        Assert.Equal([(1, AliceRossi), (2, MarioRossi)], Parties(harness, phoneCall));
    }

    [Fact]
    public async Task Retries_duplicates_and_a_restarted_plugin_never_make_a_second_ticket_or_phone_call()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin);
        var (start, connect, end) = Events("call-dup");
        foreach (var (call, delivery) in new[] { (start, "d-1"), (end, "d-3"), (end, "d-3"), (start, "d-1") })
        {
            Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(call, delivery));
        }

        // A second plugin instance knows nothing of the call (as after kill -9): its creates find the records.
        await using var restarted = LoadedPlugin.Load(time: null);
        var fresh = LoadedPlugin.ActionOf(restarted);
        var settings = TestSettings.Settings(harness.Account());
        foreach (var (call, delivery) in new[] { (end, "d-3"), (connect, "d-2") })
        {
            Assert.IsType<ActionSucceeded>(await fresh.ExecuteAsync(TestSettings.Request(call, settings, delivery), CancellationToken.None));
        }

        Assert.Single(harness.Emulator.Store.Records("incidents"));
        Assert.Single(harness.Emulator.Store.Records("phonecalls"));
        Assert.Equal(2, harness.Emulator.Store.Records("activityparties").Count);
        // The late agent-connect did not roll the ticket back: it still shows the ended call.
        Assert.Contains("resolved", Assert.Single(harness.Emulator.Store.Records("incidents"))["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_arriving_after_a_later_one_leaves_the_ticket_with_the_latest_state()
    {
        await using var harness = await WarmAsync();
        var (start, connect, end) = Events("call-late");

        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(start, "d-1"));
        var ended = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(end, "d-3"));
        var description = Incident(harness, ended.ExternalId)["description"]!.GetValue<string>();
        harness.Emulator.Requests.Clear();

        var late = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(connect, "d-2"));

        Assert.Empty(harness.Requests());
        Assert.Contains(late.Notes, n => n.Contains("arrived after a later event", StringComparison.Ordinal));
        Assert.Equal(description, Incident(harness, ended.ExternalId)["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wrap_up_after_the_call_ended_updates_the_ticket_s_mapped_field_and_the_phone_call()
    {
        await using var harness = await WarmAsync();
        var configuration = TestSettings.Configuration(c => c["fields"] = new JsonObject { ["new_queue"] = "{{ call.disposition }}" });
        var (_, _, end) = Events("call-wrap");
        var withoutWrapUp = end with { Disposition = null, RecordingReference = null };

        var first = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(withoutWrapUp, "d-3", configuration: configuration));
        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(end with { Id = "call-wrap-wrapup", EndTime = end.EndTime!.Value.AddSeconds(30) }, "d-4", configuration: configuration));

        Assert.Equal("resolved", (string?)Incident(harness, first.ExternalId)["new_queue"]);
        var phoneCall = PhoneCall(harness, first.ExternalId);
        Assert.Contains("Disposition: resolved", (string?)phoneCall["description"], StringComparison.Ordinal);
        Assert.Equal(1, (int)phoneCall["statecode"]!);
    }

    [Theory]
    [InlineData("ticketPer", "event", 2)]
    [InlineData("onLaterEvents", "newTicket", 2)]
    [InlineData("onLaterEvents", "ignore", 1)]
    public async Task The_configuration_chooses_what_later_events_do(string field, string value, int tickets)
    {
        await using var harness = await WarmAsync();
        var configuration = TestSettings.Configuration(c => c[field] = value);
        var (start, _, end) = Events("call-choice");

        var first = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(start, "d-1", configuration: configuration));
        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(end, "d-3", configuration: configuration));

        Assert.Equal(tickets, harness.Emulator.Store.Records("incidents").Count - 1); // less the warm-up call's
        if (value == "ignore")
        {
            Assert.DoesNotContain("resolved", Incident(harness, first.ExternalId)["description"]!.GetValue<string>(), StringComparison.Ordinal);
            PhoneCall(harness, first.ExternalId);
        }
    }

    [Fact]
    public async Task Log_phone_call_false_logs_no_phone_call_and_a_bad_choice_is_a_clear_error()
    {
        await using var harness = await WarmAsync();
        var outcome = Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(Events("call-nolog").End, "d-1", configuration: TestSettings.Configuration(c => c["logPhoneCall"] = false)));

        Assert.Equal([$"POST {Api}/incidents"], harness.Requests());
        Assert.DoesNotContain(harness.Emulator.Store.Records("phonecalls"), p => (string?)p["_regardingobjectid_value"] == outcome.ExternalId);
        var report = harness.Action.Validate(TestSettings.Settings(harness.Account(), TestSettings.Configuration(c => c["ticketPer"] = "day")));
        Assert.Equal("configurations/tickets.json: ticketPer: 'day' is not allowed; expected call or event", Assert.Single(report.Problems).ToString());
    }

    /// <summary>A harness whose token, agent and caller look-ups are cached (steady state), with an empty request log.</summary>
    private async Task<EmulatorHarness> WarmAsync()
    {
        var harness = await EmulatorHarness.StartAsync(plugin);
        var warmUp = await harness.ExecuteAsync(SampleCalls.Inbound with { Id = "warm-up" }, "warm-up");
        Assert.True(warmUp is ActionSucceeded, $"the warm-up call did not make its ticket: {warmUp}");
        harness.Emulator.Requests.Clear();
        return harness;
    }

    private static (CallEvent Start, CallEvent Connect, CallEvent End) Events(string callId)
    {
        var end = SampleCalls.Inbound with { Id = callId + "-end", CallId = callId };
        var start = end with
        {
            Id = callId + "-start", Kind = CallEventKind.CallStart, Status = CallStatus.Unanswered, Agent = null, AnswerTime = null, EndTime = null,
            TalkSeconds = 0, TotalSeconds = 0, Disposition = null, RecordingReference = null,
        };
        var connect = start with { Id = callId + "-connect", Kind = CallEventKind.AgentConnect, Status = CallStatus.Answered, Agent = end.Agent, AnswerTime = end.AnswerTime };
        return (start, connect, end);
    }

    private static JsonObject PhoneCall(EmulatorHarness harness, string incidentId)
        => Assert.Single(harness.Emulator.Store.Records("phonecalls"), p => (string?)p["_regardingobjectid_value"] == incidentId);

    private static (int Mask, string? Party)[] Parties(EmulatorHarness harness, JsonObject phoneCall)
        => [.. harness.Emulator.Store.Records("activityparties")
            .Where(p => (string?)p["_activityid_value"] == (string?)phoneCall["activityid"])
            .Select(p => ((int)p["participationtypemask"]!, (string?)p["_partyid_value"]))
            .Order()];

    private static JsonObject Incident(EmulatorHarness harness, string id)
        => Assert.Single(harness.Emulator.Store.Records("incidents"), i => (string?)i["incidentid"] == id);
}
