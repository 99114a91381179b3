using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Tests.Support;
using TriggerPlugins.Dynamics365.Tickets;

namespace TriggerPlugins.Dynamics365.Tests.Tickets;

public sealed class FieldLimitsTests
{
    [Fact]
    public void Text_within_the_limit_is_unchanged()
        => Assert.Equal("short", FieldLimits.Truncate("short", 200));

    [Fact]
    public void Longer_text_is_cut_to_the_limit_with_a_marker()
    {
        var cut = FieldLimits.Truncate(new string('x', 250), 200);
        Assert.Equal(200, cut.Length);
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_surrogate_pair_is_never_split()
    {
        var text = new string('x', 198) + "😀😀😀";
        var cut = FieldLimits.Truncate(text, 200);
        Assert.True(cut.Length <= 200);
        Assert.Equal(new string('x', 198) + "…", cut);
    }

    [Fact]
    public async Task Rendered_title_and_description_respect_the_incident_limits_with_a_note()
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c =>
        {
            c["title"] = "{{ for i in 1..30 }}Title words {{ end }}";
            c["description"] = "{{ for i in 1..300 }}Lots of text {{ end }}";
            c["fields"] = new JsonObject { ["new_short"] = new JsonObject { ["template"] = "{{ call.caller_name }} {{ call.caller_name }}", ["maxLength"] = 10 } };
        });

        var preview = await action.PreviewAsync(TestSettings.Request(SampleCalls.Inbound, TestSettings.Settings(configuration: configuration)), CancellationToken.None);

        Assert.Equal(200, preview.Fields["title"].Length);
        Assert.EndsWith("…", preview.Fields["title"], StringComparison.Ordinal);
        Assert.Equal(2000, preview.Fields["description"].Length);
        Assert.Equal("Mario Ros…", preview.Fields["new_short"]);
    }

    [Fact]
    public async Task Typed_fields_are_sent_as_JSON_numbers_and_booleans_and_empty_ones_are_left_out()
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["fields"] = new JsonObject
        {
            ["prioritycode"] = new JsonObject { ["template"] = "{{ if call.status == 'abandoned' }}1{{ else }}2{{ end }}", ["type"] = "integer" },
            ["new_recorded"] = new JsonObject { ["template"] = "{{ call.recording != null }}", ["type"] = "boolean" },
            ["new_queue"] = "{{ call.queue }}",
            ["new_empty"] = "{{ call.disposition }}",
            ["new_constant"] = 7,
            ["severitycode"] = "{{ 3 }}",
            ["new_digits"] = "0042",
        });
        var settings = TestSettings.Settings(configuration: configuration);

        var preview = await action.PreviewAsync(TestSettings.Request(SampleCalls.Abandoned, settings), CancellationToken.None);
        var body = JsonNode.Parse(preview.RequestBody)!.AsObject();

        Assert.Equal(1, body["prioritycode"]!.GetValue<long>());
        Assert.False(body["new_recorded"]!.GetValue<bool>());
        Assert.Equal("sales", body["new_queue"]!.GetValue<string>());
        Assert.False(body.ContainsKey("new_empty"));
        Assert.Equal(7, body["new_constant"]!.GetValue<int>());
        // A known choice column is numeric even when mapped to a plain template; other attributes stay text.
        Assert.Equal(3, body["severitycode"]!.GetValue<long>());
        Assert.Equal("0042", body["new_digits"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_preview_shows_the_request_body_with_placeholders_for_looked_up_ids()
    {
        await using var action = TestSettings.CreateAction();
        var preview = await action.PreviewAsync(TestSettings.Request(SampleCalls.Inbound, deliveryId: "delivery-42"), CancellationToken.None);
        var body = JsonNode.Parse(preview.RequestBody)!.AsObject();

        // One ticket per call: the id comes from the call and the environment, not from the delivery.
        var environment = new Uri(TestSettings.Account()["weburl"]!.GetValue<string>());
        Assert.Equal(IncidentIds.ForCall(environment, SampleCalls.Inbound.CallKey).ToString(), body["incidentid"]!.GetValue<string>());
        Assert.Equal(1, body["caseorigincode"]!.GetValue<int>());
        Assert.Contains("telephone1 eq '+390612345678'", body["customerid_contact@odata.bind"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("internalemailaddress eq 'alice.rossi@contoso.com'", body["ownerid@odata.bind"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(preview.Fields["title"], body["title"]!.GetValue<string>());
    }
}
