using System.Text.Json;
using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Abstractions.Tests;

public sealed class CallEventJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly CallEvent Call = new()
    {
        Id = "evt-42",
        Kind = CallEventKind.AgentConnect,
        Direction = CallDirection.Outbound,
        CallerNumber = "06 1234 5678",
        CallerName = "Mario Rossi",
        CalledNumber = "+390699999999",
        Queue = "support",
        Status = CallStatus.Abandoned,
        Agent = new AgentInfo { Id = "7", Name = "Alice Rossi", Email = "alice.rossi@contoso.com", Extension = "1001" },
        StartTime = new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.FromHours(1)),
        AnswerTime = new DateTimeOffset(2025, 3, 4, 10, 0, 12, TimeSpan.FromHours(1)),
        EndTime = new DateTimeOffset(2025, 3, 4, 10, 5, 0, TimeSpan.FromHours(1)),
        HoldSeconds = 12,
        TalkSeconds = 288,
        TotalSeconds = 300,
        RecordingReference = "rec-42.wav",
        Disposition = "resolved",
        Variables = new Dictionary<string, string> { ["ivr"] = "2", ["crmKey"] = "A-1" },
    };

    [Fact]
    public void Enums_are_written_in_kebab_case_and_properties_in_camel_case()
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(Call, Web))!;

        Assert.Equal("agent-connect", (string?)json["kind"]);
        Assert.Equal("outbound", (string?)json["direction"]);
        Assert.Equal("abandoned", (string?)json["status"]);
        Assert.Equal("alice.rossi@contoso.com", (string?)json["agent"]!["email"]);
        Assert.Equal("A-1", (string?)json["variables"]!["crmKey"]);
    }

    [Fact]
    public void A_call_event_survives_a_json_round_trip()
    {
        var copy = JsonSerializer.Deserialize<CallEvent>(JsonSerializer.Serialize(Call, Web), Web)!;

        // Records compare the variables dictionary by reference: compare it apart.
        Assert.Equal(Call with { Variables = copy.Variables }, copy);
        Assert.Equal(Call.Variables, copy.Variables);
    }

    [Theory]
    [InlineData("call-start", CallEventKind.CallStart)]
    [InlineData("call-end", CallEventKind.CallEnd)]
    [InlineData("abandon", CallEventKind.Abandon)]
    public void Kebab_case_event_kinds_are_read(string kind, CallEventKind expected)
    {
        var json = $$"""{ "id": "e", "kind": "{{kind}}", "direction": "inbound", "status": "answered", "startTime": "2025-03-04T10:00:00Z" }""";

        Assert.Equal(expected, JsonSerializer.Deserialize<CallEvent>(json, Web)!.Kind);
    }

    [Fact]
    public void An_unknown_kind_is_rejected()
    {
        const string json = """{ "id": "e", "kind": "CallEnd", "direction": "inbound", "status": "answered", "startTime": "2025-03-04T10:00:00Z" }""";

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CallEvent>(json, Web));
    }
}

/// <summary>Contract 1.1: the call id across events, with the event id standing in when it is absent; the route.</summary>
public sealed class CallIdTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void A_1_0_event_without_call_id_is_still_read_and_its_event_id_is_the_call_key()
    {
        var call = JsonSerializer.Deserialize<CallEvent>(
            """{"id":"evt-1","kind":"call-end","direction":"inbound","status":"answered","startTime":"2025-03-04T10:00:00+01:00"}""", Web)!;

        Assert.Null(call.CallId);
        Assert.Null(call.Route);
        Assert.Equal("evt-1", call.CallKey);
    }

    [Fact]
    public void The_call_id_and_route_round_trip_and_the_call_key_is_not_written()
    {
        var call = JsonSerializer.Deserialize<CallEvent>(
            """{"id":"evt-2","callId":"1710410400.77","route":"trunk-eu","kind":"call-start","direction":"outbound","status":"unanswered","startTime":"2025-03-04T10:00:00+01:00"}""", Web)!;
        var json = JsonNode.Parse(JsonSerializer.Serialize(call, Web))!.AsObject();

        Assert.Equal("1710410400.77", call.CallKey);
        Assert.Equal("trunk-eu", call.Route);
        Assert.Equal("1710410400.77", (string?)json["callId"]);
        Assert.False(json.ContainsKey("callKey"));
    }
}
