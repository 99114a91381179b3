using System.Text.Json;
using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Phones;
using TriggerPlugins.Dynamics365.Tests.Support;
using TriggerPlugins.Dynamics365.Tickets;

namespace TriggerPlugins.Dynamics365.Tests.Tickets;

public sealed class IncidentBodyTests
{
    private static readonly Guid IncidentId = Guid.Parse("8d1c7d3e-0000-8000-8000-000000000001");

    [Fact]
    public void Rendered_text_with_quotes_backslashes_newlines_and_unicode_round_trips_through_the_JSON_body()
    {
        var text = "José \"Pepe\" Ñúñez 山田 😀 \\ path\nline 2\t<b>&'";
        var ticket = new RenderedTicket(text, text, [new("new_note", JsonValue.Create(text))], []);

        var json = IncidentBody.Build(IncidentId, ticket, CustomerReference.Existing(Guid.Empty), null).ToJsonString(DataverseClient.BodyOptions);

        using var parsed = JsonDocument.Parse(json);
        Assert.Equal(text, parsed.RootElement.GetProperty("title").GetString());
        Assert.Equal(text, parsed.RootElement.GetProperty("description").GetString());
        Assert.Equal(text, parsed.RootElement.GetProperty("new_note").GetString());
        Assert.Contains("\\\"Pepe\\\"", json, StringComparison.Ordinal);
        Assert.Contains("\\n", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_body_binds_an_existing_contact_and_the_agent()
    {
        var contactId = Guid.NewGuid();
        var ownerId = Guid.NewGuid();
        var ticket = new RenderedTicket("t", "d", [new("prioritycode", JsonValue.Create(2))], []);

        var body = IncidentBody.Build(IncidentId, ticket, CustomerReference.Existing(contactId), $"/systemusers({ownerId})");

        Assert.Equal(IncidentId.ToString(), body["incidentid"]!.GetValue<string>());
        Assert.Equal(1, body["caseorigincode"]!.GetValue<int>());
        Assert.Equal($"/contacts({contactId})", body["customerid_contact@odata.bind"]!.GetValue<string>());
        Assert.Equal($"/systemusers({ownerId})", body["ownerid@odata.bind"]!.GetValue<string>());
        Assert.Equal(2, body["prioritycode"]!.GetValue<int>());
        Assert.False(body.ContainsKey("customerid_contact"));
    }

    [Fact]
    public void Without_an_agent_the_body_has_no_owner_so_the_integration_user_owns_the_ticket()
    {
        var body = IncidentBody.Build(IncidentId, new RenderedTicket("t", "d", [], []), CustomerReference.Existing(Guid.NewGuid()), null);
        Assert.False(body.ContainsKey("ownerid@odata.bind"));
    }

    [Fact]
    public void A_new_contact_is_deep_inserted_named_after_the_caller_id_name()
    {
        var phone = PhoneNumber.Normalize(SampleCalls.Inbound.CallerNumber, "IT");
        var contact = IncidentBody.NewContact(SampleCalls.Inbound, phone, "IT");
        var body = IncidentBody.Build(IncidentId, new RenderedTicket("t", "d", [], []), CustomerReference.Create(contact), null);

        var deep = Assert.IsType<JsonObject>(body["customerid_contact"]);
        Assert.Equal("Mario", deep["firstname"]!.GetValue<string>());
        Assert.Equal("Rossi", deep["lastname"]!.GetValue<string>());
        Assert.Equal("+390612345678", deep["telephone1"]!.GetValue<string>());
        Assert.False(body.ContainsKey("customerid_contact@odata.bind"));
    }

    [Fact]
    public void Without_a_caller_name_the_new_contact_is_named_after_the_number()
    {
        var contact = IncidentBody.NewContact(SampleCalls.Abandoned, PhoneNumber.Normalize("06 12345678", "IT"), "IT");
        Assert.False(contact.ContainsKey("firstname"));
        Assert.Equal("+39 06 1234 5678", contact["lastname"]!.GetValue<string>());
    }

    [Fact]
    public void On_outbound_calls_the_contact_is_the_called_party_named_after_its_number()
    {
        var phone = PhoneNumber.Normalize(TicketWriter.CustomerNumber(SampleCalls.Outbound), "IT");
        var contact = IncidentBody.NewContact(SampleCalls.Outbound, phone, "IT");
        Assert.Equal("+441632960961", contact["telephone1"]!.GetValue<string>());
        Assert.Equal("+44 1632 960961", contact["lastname"]!.GetValue<string>());
    }

    [Fact]
    public void Anonymous_calls_use_the_unknown_caller_contact_without_a_number()
    {
        var contact = IncidentBody.NewContact(SampleCalls.Minimal, PhoneNumber.Normalize(null, "IT"), "IT");
        Assert.Equal("Unknown caller", contact["lastname"]!.GetValue<string>());
        Assert.False(contact.ContainsKey("telephone1"));
    }

    [Fact]
    public void Long_contact_names_are_cut_to_Dataverse_limits()
    {
        var call = SampleCalls.Inbound with { CallerName = new string('A', 80) + " " + new string('B', 80) };
        var contact = IncidentBody.NewContact(call, PhoneNumber.Normalize(call.CallerNumber, "IT"), "IT");
        Assert.Equal(50, contact["firstname"]!.GetValue<string>().Length);
        Assert.Equal(50, contact["lastname"]!.GetValue<string>().Length);
        Assert.EndsWith("…", contact["lastname"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_record_url_opens_the_incident_form()
        => Assert.Equal(
            $"https://contoso.crm4.dynamics.com/main.aspx?etn=incident&id={IncidentId}&pagetype=entityrecord",
            TicketWriter.RecordUrl(new Uri("https://contoso.crm4.dynamics.com/"), IncidentId).ToString());
}
