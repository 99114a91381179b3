using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Host.Tests.TestDoubles;

namespace TriggerPlugins.Host.Tests.Events;

public sealed class CallEventReaderTests
{
    private const string Valid = """{"id":"c1","kind":"call-end","direction":"outbound","callerNumber":"+390612345678","queue":"support","status":"no-answer","startTime":"2025-03-14T09:30:00+01:00"}""";

    private const string Complete = """
        {"id":"c1","kind":"call-end","direction":"inbound","callerNumber":"+390612345678","callerName":"Mario Rossi","calledNumber":"0612345","queue":"support","status":"answered","agent":{"id":"42","name":"Alice Rossi","email":"alice.rossi@contoso.com","extension":"1001"},"startTime":"2025-03-14T09:30:00+01:00","answerTime":"2025-03-14T09:30:20+01:00","endTime":"2025-03-14T09:35:00+01:00","holdSeconds":5,"talkSeconds":280,"totalSeconds":300,"recordingReference":"rec-1.wav","disposition":"sale","variables":{"lang":"it"}}
        """;

    [Fact]
    public void A_complete_line_reads_every_field()
    {
        var parsed = CallEventReader.Parse(Complete, 1);

        Assert.True(parsed.Succeeded, parsed.Error);
        var call = parsed.Event;
        Assert.Equal(("c1", CallEventKind.CallEnd, CallDirection.Inbound, CallStatus.Answered), (call.Id, call.Kind, call.Direction, call.Status));
        Assert.Equal("alice.rossi@contoso.com", call.Agent?.Email);
        Assert.Equal(new DateTimeOffset(2025, 3, 14, 9, 35, 0, TimeSpan.FromHours(1)), call.EndTime);
        Assert.Equal((5, 280, 300), (call.HoldSeconds, call.TalkSeconds, call.TotalSeconds));
        Assert.Equal("it", call.Variables["lang"]);
    }

    [Fact]
    public void An_event_written_by_the_host_reads_back_the_same()
    {
        var call = Calls.Answered();

        var parsed = CallEventReader.Parse(CallEventJson.Serialize(call), 1);

        Assert.True(parsed.Succeeded, parsed.Error);
        Assert.Equal(CallEventJson.Serialize(call), CallEventJson.Serialize(parsed.Event));
        Assert.Contains("\"kind\":\"call-end\"", CallEventJson.Serialize(call), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_enum_value_names_the_field_the_value_and_the_allowed_values()
    {
        var parsed = CallEventReader.Parse(Valid, 3);

        Assert.False(parsed.Succeeded);
        Assert.StartsWith("line 3, column ", parsed.Error, StringComparison.Ordinal);
        Assert.Contains("status: found \"no-answer\"; expected one of: answered, unanswered, abandoned, busy, failed", parsed.Error, StringComparison.Ordinal);
        AssertNoClrNames(parsed.Error);
    }

    [Fact]
    public void Missing_required_properties_are_all_named()
    {
        var parsed = CallEventReader.Parse("""{"id":"c1","direction":"inbound","startTime":"2025-03-14T09:30:00Z"}""", 2);

        Assert.Equal("line 2, column 69: missing required properties: kind, status", parsed.Error);
    }

    [Fact]
    public void Broken_json_gives_line_and_column()
    {
        var parsed = CallEventReader.Parse("""{"id":"c1", kind:"call-end"}""", 4);

        Assert.StartsWith("line 4, column 13: not valid JSON: ", parsed.Error, StringComparison.Ordinal);
        AssertNoClrNames(parsed.Error);
    }

    [Fact]
    public void A_bad_date_says_what_form_is_expected()
    {
        var parsed = CallEventReader.Parse("""{"id":"c1","kind":"call-end","direction":"inbound","status":"answered","startTime":"yesterday"}""", 1);

        Assert.Contains("startTime: found \"yesterday\"; expected a date and time in ISO 8601 form", parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_field_of_the_wrong_type_is_named_by_its_path()
    {
        var parsed = CallEventReader.Parse("""{"id":"c1","kind":"call-end","direction":"inbound","status":"answered","startTime":"2025-03-14T09:30:00Z","agent":{"email":42}}""", 1);

        Assert.Contains("agent.email: found 42; expected a string", parsed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1,2]", "expected a JSON object (one call event), found an array")]
    [InlineData("null", "expected a JSON object (one call event), found null")]
    [InlineData("\"text\"", "expected a JSON object (one call event), found a string")]
    public void A_line_that_is_not_an_object_says_so(string line, string expected)
    {
        Assert.EndsWith(expected, CallEventReader.Parse(line, 1).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_goes_on_after_a_bad_line_and_counts_blank_lines()
    {
        var text = string.Join('\n', CallEventJson.Serialize(Calls.Answered("a")), "{oops", string.Empty, CallEventJson.Serialize(Calls.Answered("b")));

        var lines = new List<ParsedCallEvent>();
        await foreach (var line in CallEventReader.ReadAsync(new StringReader(text)))
        {
            lines.Add(line);
        }

        Assert.Equal([1, 2, 4], lines.Select(l => l.LineNumber));
        Assert.Equal(["a", null, "b"], lines.Select(l => l.Event?.Id));
        Assert.StartsWith("line 2, column 2: not valid JSON", lines[1].Error, StringComparison.Ordinal);
    }

    private static void AssertNoClrNames(string? message)
    {
        Assert.DoesNotContain("TriggerPlugins.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", message, StringComparison.Ordinal);
    }
}
