using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TriggerPlugins.DataverseEmulator.Tests.Support;

namespace TriggerPlugins.DataverseEmulator.Tests.WebApi;

/// <summary>POST create as the plugin does it: binds, deep insert, client-supplied keys, representation, validation.</summary>
public sealed partial class CreateTests : DemoTenantTest
{
    private const string IncidentSelect = "incidents?$select=incidentid,ticketnumber,_customerid_value,_ownerid_value";
    [Fact]
    public async Task Create_without_prefer_is_204_with_odata_entity_id()
    {
        using var response = await Client.PostAsync("contacts", new JsonObject { ["firstname"] = "Ada", ["lastname"] = "Lovelace", ["telephone1"] = "+442079460000" });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var entityId = response.Headers.GetValues("OData-EntityId").Single();
        var match = EntityIdPattern().Match(entityId);
        Assert.True(match.Success, entityId);
        Assert.StartsWith(Emulator.BaseUri.AbsoluteUri, entityId, StringComparison.Ordinal);
        var stored = Emulator.Store.Records("contacts").Single(c => c["contactid"]!.GetValue<string>() == match.Groups[1].Value);
        Assert.Equal("Ada Lovelace", stored["fullname"]!.GetValue<string>());
    }

    [Fact]
    public async Task Contact_with_representation_is_201_with_the_record()
    {
        using var response = await Client.PostAsync("contacts?$select=contactid,fullname,telephone1", new JsonObject { ["firstname"] = "Ada", ["lastname"] = "Lovelace", ["telephone1"] = "+442079460000" }, representation: true);
        var body = await EmulatorClient.JsonOf(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Ada Lovelace", body["fullname"]!.GetValue<string>());
        Assert.Equal(["@odata.context", "@odata.etag", "contactid", "fullname", "telephone1"], body.Select(p => p.Key).ToArray());
        Assert.Equal($"{Emulator.BaseUri}api/data/v9.2/contacts({body["contactid"]})", response.Headers.GetValues("OData-EntityId").Single());
    }

    [Fact]
    public async Task An_owner_bind_to_a_disabled_user_is_refused_as_Dataverse_does()
    {
        var contact = ContactId("+390612345678");
        var dario = SystemUserId("dario.gallo@contoso.com");

        using var response = await Client.PostAsync(IncidentSelect, new JsonObject
        {
            ["title"] = "Inbound call",
            ["customerid_contact@odata.bind"] = $"/contacts({contact})",
            ["ownerid@odata.bind"] = $"/systemusers({dario})",
        }, representation: true);

        Assert.Equal((400, "0x80040225", "The specified user is either disabled or is not a member of any business unit."), await EmulatorClient.ErrorOf(response));
        Assert.Empty(Emulator.Store.Records("incidents"));
    }

    [Fact]
    public async Task Incident_binds_customer_and_owner_and_gets_a_ticket_number()
    {
        var contact = ContactId("+390612345678");
        var alice = SystemUserId("alice.rossi@contoso.com");

        using var response = await Client.PostAsync(IncidentSelect, new JsonObject
        {
            ["title"] = "Inbound call from +390612345678",
            ["description"] = "Answered by Alice",
            ["caseorigincode"] = 1,
            ["customerid_contact@odata.bind"] = $"/contacts({contact})",
            ["ownerid@odata.bind"] = $"/systemusers({alice})",
            ["new_callid"] = "call-1",
        }, representation: true);
        var body = await EmulatorClient.JsonOf(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(contact, body["_customerid_value"]!.GetValue<string>());
        Assert.Equal(alice, body["_ownerid_value"]!.GetValue<string>());
        Assert.Matches(TicketNumberPattern(), body["ticketnumber"]!.GetValue<string>());
        var stored = Assert.Single(Emulator.Store.Records("incidents"));
        Assert.Equal("call-1", stored["new_callid"]!.GetValue<string>());
        Assert.Equal(0, stored["statecode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Without_owner_bind_the_callers_systemuser_owns_the_incident()
    {
        using var user = await EmulatorClient.ForUserAsync(Emulator);

        var byApp = await CreateIncidentAsync(Client, new JsonObject { ["customerid_contact@odata.bind"] = $"/contacts({ContactId("+441632960961")})" });
        var byUser = await CreateIncidentAsync(user, new JsonObject { ["customerid_contact@odata.bind"] = $"/contacts({ContactId("+441632960961")})" });

        var appUser = Emulator.Store.Records("systemusers").Single(u => u["applicationid"]?.GetValue<string>() == Demo.ClientId);
        Assert.Equal(appUser["systemuserid"]!.GetValue<string>(), byApp["_ownerid_value"]!.GetValue<string>());
        Assert.Equal(SystemUserIdByDomain(Demo.Username), byUser["_ownerid_value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deep_insert_creates_the_contact_with_the_incident()
    {
        var incident = await CreateIncidentAsync(Client, new JsonObject
        {
            ["customerid_contact"] = new JsonObject { ["firstname"] = "Unknown", ["lastname"] = "Caller", ["telephone1"] = "+390298765432" },
        });

        var contact = Emulator.Store.Records("contacts").Single(c => c["telephone1"]?.GetValue<string>() == "+390298765432");
        Assert.Equal(contact["contactid"]!.GetValue<string>(), incident["_customerid_value"]!.GetValue<string>());
        Assert.Equal("Unknown Caller", contact["fullname"]!.GetValue<string>());
    }

    [Fact]
    public async Task Client_supplied_key_is_used_and_a_second_create_is_a_duplicate_key()
    {
        var id = Guid.NewGuid().ToString();
        var body = new JsonObject
        {
            ["incidentid"] = id,
            ["title"] = "Retried delivery",
            ["customerid_contact"] = new JsonObject { ["lastname"] = "Deep", ["telephone1"] = "+390200000001" },
        };
        var contactsBefore = Emulator.Store.Count("contacts");

        var first = await CreateIncidentAsync(Client, (JsonObject)body.DeepClone());
        using var second = await Client.PostAsync(IncidentSelect, (JsonObject)body.DeepClone(), representation: true);

        Assert.Equal(id, first["incidentid"]!.GetValue<string>());
        Assert.Equal((412, "0x80040237", "A record with matching key values already exists."), await EmulatorClient.ErrorOf(second));
        Assert.Single(Emulator.Store.Records("incidents"));
        // The failed create is atomic: its deep-inserted contact was not kept either.
        Assert.Equal(contactsBefore + 1, Emulator.Store.Count("contacts"));
        using var retrieved = await Client.GetAsync($"incidents({id})?$select=incidentid,ticketnumber");
        Assert.Equal(first["ticketnumber"]!.GetValue<string>(), (await EmulatorClient.JsonOf(retrieved))["ticketnumber"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("customerid_contact@odata.bind", "contacts", "contact")]
    [InlineData("ownerid@odata.bind", "systemusers", "systemuser")]
    public async Task Bind_to_a_missing_record_is_404(string property, string set, string entity)
    {
        var missing = Guid.NewGuid();
        var body = new JsonObject { ["title"] = "x", ["customerid_contact@odata.bind"] = $"/contacts({ContactId("+12025550143")})" };
        body[property] = $"/{set}({missing})";

        using var response = await Client.PostAsync("incidents", body);

        Assert.Equal((404, "0x80040217", $"Entity '{entity}' With Id = {missing} Does Not Exist"), await EmulatorClient.ErrorOf(response));
        Assert.Empty(Emulator.Store.Records("incidents"));
    }

    [Fact]
    public async Task Bind_to_the_wrong_entity_set_is_400()
    {
        using var response = await Client.PostAsync("incidents", new JsonObject { ["title"] = "x", ["customerid_contact@odata.bind"] = $"/systemusers({SystemUserId("alice.rossi@contoso.com")})" });

        var (status, code, message) = await EmulatorClient.ErrorOf(response);
        Assert.Equal((400, "0x80060888"), (status, code));
        Assert.Contains("expected '/contacts(<guid>)'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incident_without_customer_is_refused()
    {
        using var response = await Client.PostAsync("incidents", new JsonObject { ["title"] = "Orphan" });

        Assert.Equal((400, "0x80040203", "You should specify a parent contact or account."), await EmulatorClient.ErrorOf(response));
    }

    [Theory]
    [InlineData("new_unknown", "\"x\"", 400, "0x80060888", "The property 'new_unknown' does not exist on type 'Microsoft.Dynamics.CRM.incident'.")]
    [InlineData("prioritycode", "\"2\"", 400, "0x80060888", "Cannot convert the literal '2' to the expected type 'Edm.Int32'.")]
    [InlineData("prioritycode", "9", 400, "0x8004431a", "The value 9 of 'prioritycode' on record of type 'incident' is outside the valid range.")]
    [InlineData("_ownerid_value", "\"00000000-0000-0000-0000-000000000001\"", 400, "0x80048d19", "CRM do not support direct update of Entity Reference properties")]
    [InlineData("createdon", "\"2024-01-01T00:00:00Z\"", 400, "0x80040203", "not valid for create")]
    [InlineData("bogus@odata.bind", "\"/contacts(00000000-0000-0000-0000-000000000001)\"", 400, "0x80060888", "An undeclared property 'bogus'")]
    public async Task Invalid_incident_columns_get_dataverse_errors(string property, string json, int status, string code, string message)
    {
        var body = new JsonObject { ["title"] = "x", ["customerid_contact@odata.bind"] = $"/contacts({ContactId("+12025550143")})", [property] = JsonNode.Parse(json) };

        using var response = await Client.PostAsync("incidents", body);

        var error = await EmulatorClient.ErrorOf(response);
        Assert.Equal((status, code), (error.Status, error.Code));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("title", 200)]
    [InlineData("description", 2000)]
    [InlineData("new_callid", 100)]
    public async Task Too_long_text_is_refused_with_the_maximum_length(string column, int maximum)
    {
        var accepted = await CreateIncidentAsync(Client, new JsonObject { ["customerid_contact@odata.bind"] = $"/contacts({ContactId("+12025550143")})", [column] = new string('a', maximum) });
        using var refused = await Client.PostAsync("incidents", new JsonObject
        {
            ["customerid_contact@odata.bind"] = $"/contacts({ContactId("+12025550143")})",
            [column] = new string('a', maximum + 1),
        });

        Assert.NotNull(accepted["incidentid"]);
        Assert.Equal(
            (400, "0x80044331", $"A validation error occurred.  The length of the '{column}' attribute of the 'incident' entity exceeded the maximum allowed length of '{maximum}'."),
            await EmulatorClient.ErrorOf(refused));
    }

    [Fact]
    public async Task Malformed_json_body_is_400_with_its_position()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/data/v9.2/contacts") { Content = new StringContent("{\"firstname\": ", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", Client.Token);
        request.Headers.Add("OData-MaxVersion", "4.0");
        request.Headers.Add("OData-Version", "4.0");
        request.Headers.Add("Accept", "application/json");

        using var response = await Client.Http.SendAsync(request);

        var (status, _, message) = await EmulatorClient.ErrorOf(response);
        Assert.Equal(400, status);
        Assert.Contains("Invalid JSON in the request body at line 1", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Phonecall_can_be_regarding_an_incident()
    {
        var incident = await CreateIncidentAsync(Client, new JsonObject { ["customerid_contact@odata.bind"] = $"/contacts({ContactId("+12025550143")})" });

        using var response = await Client.PostAsync("phonecalls?$select=activityid,_regardingobjectid_value", new JsonObject
        {
            ["subject"] = "Call",
            ["phonenumber"] = "+12025550143",
            ["directioncode"] = false,
            ["regardingobjectid_incident_phonecall@odata.bind"] = $"/incidents({incident["incidentid"]})",
        }, representation: true);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(incident["incidentid"]!.GetValue<string>(), (await EmulatorClient.JsonOf(response))["_regardingobjectid_value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Concurrent_creates_are_all_stored_with_distinct_ticket_numbers()
    {
        var contact = ContactId("+390612345678");
        var creates = Enumerable.Range(0, 64).Select(i => CreateIncidentAsync(Client, new JsonObject
        {
            ["title"] = $"Call {i}",
            ["customerid_contact@odata.bind"] = $"/contacts({contact})",
        }));

        var created = await Task.WhenAll(creates);

        Assert.Equal(64, Emulator.Store.Count("incidents"));
        Assert.Equal(64, created.Select(c => c["ticketnumber"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(64, created.Select(c => c["incidentid"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task Concurrent_creates_with_one_key_store_exactly_one_record()
    {
        var id = Guid.NewGuid().ToString();
        var contact = ContactId("+390612345678");
        var attempts = Enumerable.Range(0, 16).Select(async _ =>
        {
            using var response = await Client.PostAsync("incidents", new JsonObject { ["incidentid"] = id, ["customerid_contact@odata.bind"] = $"/contacts({contact})" });
            return (int)response.StatusCode;
        });

        var statuses = await Task.WhenAll(attempts);

        Assert.Equal(1, statuses.Count(s => s == 204));
        Assert.Equal(15, statuses.Count(s => s == 412));
        Assert.Single(Emulator.Store.Records("incidents"));
    }

    private static async Task<JsonObject> CreateIncidentAsync(EmulatorClient client, JsonObject body)
    {
        using var response = await client.PostAsync(IncidentSelect, body, representation: true);
        var created = await EmulatorClient.JsonOf(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, created.ToJsonString());
        return created;
    }

    private string ContactId(string phone) =>
        Emulator.Store.Records("contacts").Single(c => c["telephone1"]?.GetValue<string>() == phone)["contactid"]!.GetValue<string>();

    private string SystemUserId(string email) =>
        Emulator.Store.Records("systemusers").Single(u => u["internalemailaddress"]?.GetValue<string>() == email)["systemuserid"]!.GetValue<string>();

    private string SystemUserIdByDomain(string domainName) =>
        Emulator.Store.Records("systemusers").Single(u => u["domainname"]?.GetValue<string>() == domainName)["systemuserid"]!.GetValue<string>();

    [GeneratedRegex(@"/api/data/v9\.2/contacts\(([0-9a-f-]{36})\)$")]
    private static partial Regex EntityIdPattern();

    [GeneratedRegex("^CAS-[0-9]{5}-[A-Z0-9]{6}$")]
    private static partial Regex TicketNumberPattern();
}
