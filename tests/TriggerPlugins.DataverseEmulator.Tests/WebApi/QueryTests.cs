using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator.Tests.Support;

namespace TriggerPlugins.DataverseEmulator.Tests.WebApi;

/// <summary>GET on entity sets and records: $filter, $select, $top, keys, and the errors Dataverse gives.</summary>
public sealed class QueryTests : DemoTenantTest
{
    [Fact]
    public async Task Contact_by_phone_returns_the_selected_columns_and_the_key()
    {
        var found = await Client.QueryAsync(Filter("contacts?$select=contactid,fullname,telephone1&$top=5", "telephone1 eq '+390612345678'"));

        var contact = Assert.Single(found)!.AsObject();
        Assert.Equal("Mario Rossi", contact["fullname"]!.GetValue<string>());
        Assert.Equal(["@odata.etag", "contactid", "fullname", "telephone1"], contact.Select(p => p.Key).ToArray());
    }

    [Fact]
    public async Task Or_of_two_phones_finds_both()
    {
        var found = await Client.QueryAsync(Filter("contacts?$select=fullname", "telephone1 eq '+390612345678' or telephone1 eq '+12025550143'"));

        Assert.Equal(["Mario Rossi", "John Smith"], found.Select(c => c!["fullname"]!.GetValue<string>()).ToArray());
    }

    [Fact]
    public async Task And_with_parentheses_groups_as_written()
    {
        var found = await Client.QueryAsync(Filter("contacts?$select=fullname", "(firstname eq 'Jane' or firstname eq 'John') and lastname eq 'Smith'"));

        Assert.Equal("John Smith", Assert.Single(found)!["fullname"]!.GetValue<string>());
    }

    [Fact]
    public async Task Doubled_quote_escapes_a_quote_in_a_string_literal()
    {
        var found = await Client.QueryAsync(Filter("contacts?$select=lastname", "lastname eq 'O''Brien'"));

        Assert.Equal("O'Brien", Assert.Single(found)!["lastname"]!.GetValue<string>());
    }

    [Fact]
    public async Task String_comparison_ignores_case_like_sql_server()
    {
        var found = await Client.QueryAsync(Filter("systemusers?$select=systemuserid,fullname&$top=2", "internalemailaddress eq 'ALICE.Rossi@Contoso.com'"));

        Assert.Equal("Alice Rossi", Assert.Single(found)!["fullname"]!.GetValue<string>());
    }

    [Fact]
    public async Task Guid_null_boolean_and_ne_literals_compare_by_type()
    {
        var alice = (await Client.QueryAsync(Filter("systemusers?$select=systemuserid", "internalemailaddress eq 'alice.rossi@contoso.com'")))[0]!["systemuserid"]!.GetValue<string>();

        Assert.Single(await Client.QueryAsync(Filter("systemusers", $"systemuserid eq {alice}")));
        var withoutEmail = await Client.QueryAsync(Filter("systemusers?$select=fullname", "internalemailaddress eq null"));
        Assert.Equal(["Motion Integration", "Expired Secret App"], withoutEmail.Select(u => u!["fullname"]!.GetValue<string>()).ToArray());
        Assert.Equal(Emulator.Store.Count("systemusers") - 2, (await Client.QueryAsync(Filter("systemusers", "isdisabled eq false"))).Count);
        Assert.Equal(2, (await Client.QueryAsync(Filter("systemusers", "isdisabled eq true"))).Count);
        Assert.Equal(Emulator.Store.Count("contacts") - 1, (await Client.QueryAsync(Filter("contacts", "firstname ne 'Mario'"))).Count);
    }

    [Fact]
    public async Task Top_limits_the_answer()
    {
        Assert.Equal(2, (await Client.QueryAsync("systemusers?$top=2")).Count);
        Assert.Empty(await Client.QueryAsync("systemusers?$top=0"));
    }

    [Fact]
    public async Task Without_select_every_column_is_returned_null_when_unset()
    {
        var contact = (await Client.QueryAsync(Filter("contacts", "lastname eq 'Doe'")))[0]!.AsObject();

        Assert.True(contact.ContainsKey("mobilephone"));
        Assert.Null(contact["mobilephone"]);
        Assert.NotNull(contact["createdon"]);
    }

    [Fact]
    public async Task Record_by_key_honours_select()
    {
        var id = Emulator.Store.Records("contacts")[0]["contactid"]!.GetValue<string>();

        using var response = await Client.GetAsync($"contacts({id})?$select=fullname");
        var body = await EmulatorClient.JsonOf(response);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(id, body["contactid"]!.GetValue<string>());
        Assert.Equal("Mario Rossi", body["fullname"]!.GetValue<string>());
        Assert.EndsWith("$metadata#contacts(fullname)/$entity", body["@odata.context"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_record_is_404_does_not_exist()
    {
        var id = Guid.NewGuid();

        using var response = await Client.GetAsync($"incidents({id})?$select=incidentid,ticketnumber");

        Assert.Equal((404, "0x80040217", $"Entity 'incident' With Id = {id} Does Not Exist"), await EmulatorClient.ErrorOf(response));
    }

    [Theory]
    [InlineData("accounts")]
    [InlineData("Contacts")]
    public async Task Unknown_entity_set_is_404_resource_not_found(string set)
    {
        using var response = await Client.GetAsync(set);

        Assert.Equal((404, "0x8006088a", $"Resource not found for the segment '{set}'."), await EmulatorClient.ErrorOf(response));
    }

    [Theory]
    [InlineData("contacts?$select=contactid,Telephone1")]
    [InlineData("contacts?$filter=Telephone1 eq '1'")]
    public async Task Unknown_attribute_is_400_could_not_find_a_property(string query)
    {
        using var response = await Client.GetAsync(query);

        Assert.Equal((400, "0x0", "Could not find a property named 'Telephone1' on type 'Microsoft.Dynamics.CRM.contact'."), await EmulatorClient.ErrorOf(response));
    }

    [Theory]
    [InlineData("telephone1 eq", "Expression expected at position 13")]
    [InlineData("telephone1 eq 'abc", "Unterminated string literal at position 14")]
    [InlineData("(telephone1 eq 'a'", "')' expected at position 18")]
    [InlineData("telephone1 eq 'a' xor firstname eq 'b'", "at position 18")]
    [InlineData("telephone1 = 'a'", "character '=' is not valid at position 11")]
    [InlineData("telephone1 eq 5", "incompatible types")]
    [InlineData("contains(telephone1,'1')", "does not support the function 'contains'")]
    [InlineData("telephone1 gt 'a'", "does not support the operator 'gt'")]
    public async Task Malformed_filter_is_400_saying_where(string filter, string expected)
    {
        using var response = await Client.GetAsync(Filter("contacts", filter));

        var (status, code, message) = await EmulatorClient.ErrorOf(response);
        Assert.Equal((400, "0x80060888"), (status, code));
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("contacts?$expand=ownerid", "does not support the query option '$expand'")]
    [InlineData("contacts?$top=-1", "Invalid value '-1' for $top")]
    [InlineData("contacts?$bogus=1", "The query parameter '$bogus' is not supported.")]
    [InlineData("contacts?$top=1&$top=2", "specified more than once")]
    public async Task Bad_query_options_are_400(string query, string expected)
    {
        using var response = await Client.GetAsync(query);

        var (status, _, message) = await EmulatorClient.ErrorOf(response);
        Assert.Equal(400, status);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    private static string Filter(string pathAndQuery, string filter) =>
        $"{pathAndQuery}{(pathAndQuery.Contains('?', StringComparison.Ordinal) ? '&' : '?')}$filter={Uri.EscapeDataString(filter)}";
}
