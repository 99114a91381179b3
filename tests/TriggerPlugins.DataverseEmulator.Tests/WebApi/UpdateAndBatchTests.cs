using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator.Tests.Support;

namespace TriggerPlugins.DataverseEmulator.Tests.WebApi;

/// <summary>PATCH (update, upsert, If-Match), phone calls with activity parties and state changes, and $batch change sets.</summary>
public sealed class UpdateAndBatchTests : DemoTenantTest
{
    private static readonly Guid IncidentId = new("11111111-2222-4333-8444-555555555555");
    private static readonly Guid PhoneCallId = new("66666666-7777-4888-8999-000000000000");

    [Fact]
    public async Task Patch_with_if_match_updates_and_returns_the_record_when_asked()
    {
        await CreateIncidentAsync();

        using var response = await PatchAsync($"incidents({IncidentId:D})?$select=title,ticketnumber", new JsonObject { ["title"] = "Updated" }, ifMatch: true, representation: true);
        var body = await EmulatorClient.JsonOf(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Updated", body["title"]!.GetValue<string>());
        Assert.StartsWith("CAS-", body["ticketnumber"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Updated", Assert.Single(Emulator.Store.Records("incidents"))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_with_if_match_on_a_missing_record_is_404_and_creates_nothing()
    {
        using var response = await PatchAsync($"incidents({IncidentId:D})", new JsonObject { ["title"] = "x" }, ifMatch: true);

        Assert.Equal((404, "0x80040217", $"Entity 'incident' With Id = {IncidentId:D} Does Not Exist"), await EmulatorClient.ErrorOf(response));
        Assert.Empty(Emulator.Store.Records("incidents"));
    }

    [Fact]
    public async Task An_incident_s_state_cannot_be_set_by_an_update()
    {
        await CreateIncidentAsync();

        using var response = await PatchAsync($"incidents({IncidentId:D})", new JsonObject { ["statecode"] = 1 }, ifMatch: true);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_phone_call_is_created_open_with_its_parties_and_closed_by_an_update_then_is_read_only()
    {
        await CreateIncidentAsync();
        var contact = ContactId();
        var alice = UserId();
        using (var created = await Client.PostAsync("phonecalls", PhoneCall(contact, alice)))
        {
            Assert.True(created.StatusCode == HttpStatusCode.NoContent, await created.Content.ReadAsStringAsync());
        }

        var open = Assert.Single(Emulator.Store.Records("phonecalls"));
        Assert.Equal((0, 1), (open["statecode"]!.GetValue<int>(), open["statuscode"]!.GetValue<int>()));
        Assert.Equal(IncidentId.ToString("D"), open["_regardingobjectid_value"]!.GetValue<string>());
        var parties = Emulator.Store.Records("activityparties");
        Assert.Equal([(1, contact), (2, alice)], parties.Select(p => (p["participationtypemask"]!.GetValue<int>(), p["_partyid_value"]!.GetValue<string>())).ToArray());
        Assert.All(parties, p => Assert.Equal(PhoneCallId.ToString("D"), p["_activityid_value"]!.GetValue<string>()));

        using (var closed = await PatchAsync($"phonecalls({PhoneCallId:D})", new JsonObject { ["statecode"] = 1, ["statuscode"] = 4 }, ifMatch: true))
        {
            Assert.True(closed.StatusCode == HttpStatusCode.NoContent, await closed.Content.ReadAsStringAsync());
        }

        using var edit = await PatchAsync($"phonecalls({PhoneCallId:D})", new JsonObject { ["description"] = "late" }, ifMatch: true);
        Assert.Contains("closed", (await EmulatorClient.ErrorOf(edit)).Message, StringComparison.Ordinal);
        using var wrongStatus = await PatchAsync($"phonecalls({PhoneCallId:D})", new JsonObject { ["statecode"] = 1, ["statuscode"] = 3 }, ifMatch: true);
        Assert.Equal(HttpStatusCode.BadRequest, wrongStatus.StatusCode);
    }

    [Fact]
    public async Task A_phone_call_s_state_cannot_be_set_on_create()
    {
        await CreateIncidentAsync();
        var body = PhoneCall(ContactId(), UserId());
        body["statecode"] = 1;

        using var response = await Client.PostAsync("phonecalls", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(Emulator.Store.Records("phonecalls"));
    }

    [Fact]
    public async Task A_change_set_runs_in_one_request_and_one_transaction()
    {
        var contact = ContactId();
        var alice = UserId();
        var incident = Incident(contact);

        using var response = await BatchAsync(
            ("POST", "incidents?$select=ticketnumber", incident, false, true),
            ("POST", "phonecalls", PhoneCall(contact, alice), false, false),
            ("PATCH", $"phonecalls({PhoneCallId:D})", new JsonObject { ["statecode"] = 1, ["statuscode"] = 4 }, true, false));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("multipart/mixed", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("HTTP/1.1 201 Created", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("HTTP/1.1 204 No Content").Length - 1);
        Assert.Contains("\"ticketnumber\":\"CAS-", text, StringComparison.Ordinal);
        Assert.Single(Emulator.Store.Records("incidents"));
        Assert.Equal(1, Assert.Single(Emulator.Store.Records("phonecalls"))["statecode"]!.GetValue<int>());
        Assert.Single(Emulator.Requests.Snapshot(), r => r.Path.EndsWith("$batch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_change_set_rolls_everything_back_and_names_the_failed_operation()
    {
        await CreateIncidentAsync();
        var contact = ContactId();

        using var response = await BatchAsync(
            ("PATCH", $"incidents({IncidentId:D})", new JsonObject { ["title"] = "changed" }, true, false),
            ("POST", "incidents", Incident(contact), false, false));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("Content-ID: 2", text, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 412 Precondition Failed", text, StringComparison.Ordinal);
        Assert.Contains("0x80040237", text, StringComparison.Ordinal);
        Assert.Equal("Phone call", Assert.Single(Emulator.Store.Records("incidents"))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_without_a_multipart_content_type_is_refused()
    {
        using var response = await Client.PostAsync("$batch", new JsonObject());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("multipart/mixed", (await EmulatorClient.ErrorOf(response)).Message, StringComparison.Ordinal);
    }

    private async Task CreateIncidentAsync()
    {
        using var response = await Client.PostAsync("incidents", Incident(ContactId()));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static JsonObject Incident(string contact) => new()
    {
        ["incidentid"] = IncidentId.ToString("D"),
        ["title"] = "Phone call",
        ["customerid_contact@odata.bind"] = $"/contacts({contact})",
    };

    private static JsonObject PhoneCall(string contact, string user) => new()
    {
        ["activityid"] = PhoneCallId.ToString("D"),
        ["subject"] = "Call from Mario Rossi",
        ["directioncode"] = false,
        ["phonenumber"] = "+390612345678",
        ["actualdurationminutes"] = 5,
        ["regardingobjectid_incident_phonecall@odata.bind"] = $"/incidents({IncidentId:D})",
        ["phonecall_activity_parties"] = new JsonArray(
            new JsonObject { ["partyid_contact@odata.bind"] = $"/contacts({contact})", ["participationtypemask"] = 1 },
            new JsonObject { ["partyid_systemuser@odata.bind"] = $"/systemusers({user})", ["participationtypemask"] = 2 }),
    };

    private async Task<HttpResponseMessage> PatchAsync(string relative, JsonObject body, bool ifMatch, bool representation = false)
    {
        using var request = Request(new HttpMethod("PATCH"), relative);
        if (ifMatch)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
        }

        if (representation)
        {
            request.Headers.Add("Prefer", "return=representation");
        }

        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return await Client.Http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> BatchAsync(params (string Method, string Url, JsonObject Body, bool IfMatch, bool Representation)[] operations)
    {
        var text = new StringBuilder("--batch_t\r\nContent-Type: multipart/mixed; boundary=changeset_t\r\n\r\n");
        for (var i = 0; i < operations.Length; i++)
        {
            var (method, url, body, ifMatch, representation) = operations[i];
            text.Append($"--changeset_t\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: {i + 1}\r\n\r\n")
                .Append($"{method} {Emulator.BaseUri}api/data/v9.2/{url} HTTP/1.1\r\nContent-Type: application/json; type=entry\r\n")
                .Append(ifMatch ? "If-Match: *\r\n" : "")
                .Append(representation ? "Prefer: return=representation\r\n" : "")
                .Append("\r\n").Append(body.ToJsonString()).Append("\r\n");
        }

        text.Append("--changeset_t--\r\n--batch_t--\r\n");
        using var request = Request(HttpMethod.Post, "$batch");
        request.Content = new StringContent(text.ToString(), Encoding.UTF8);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/mixed; boundary=batch_t");
        return await Client.Http.SendAsync(request);
    }

    private HttpRequestMessage Request(HttpMethod method, string relative)
    {
        var request = new HttpRequestMessage(method, "api/data/v9.2/" + relative);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Client.Token);
        request.Headers.Add("OData-MaxVersion", "4.0");
        request.Headers.Add("OData-Version", "4.0");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private string ContactId() =>
        Emulator.Store.Records("contacts").First(c => c["telephone1"] is not null)["contactid"]!.GetValue<string>();

    private string UserId() =>
        Emulator.Store.Records("systemusers").Single(u => u["internalemailaddress"]?.GetValue<string>() == "alice.rossi@contoso.com")["systemuserid"]!.GetValue<string>();
}
