using System.Net;
using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator.Tests.Support;

namespace TriggerPlugins.DataverseEmulator.Tests.WebApi;

/// <summary>Table definitions: EntityDefinitions(LogicalName='...')/Attributes and the choice columns' options.</summary>
public sealed class MetadataTests : DemoTenantTest
{
    [Fact]
    public async Task Incident_attributes_say_type_and_whether_a_create_may_set_them()
    {
        using var response = await Client.GetAsync("EntityDefinitions(LogicalName='incident')/Attributes?$select=LogicalName,AttributeType,IsValidForCreate");
        var body = await EmulatorClient.JsonOf(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var columns = body["value"]!.AsArray().ToDictionary(c => c!["LogicalName"]!.GetValue<string>(), c => c!.AsObject());
        Assert.Equal("String", columns["title"]["AttributeType"]!.GetValue<string>());
        Assert.Equal("Picklist", columns["prioritycode"]["AttributeType"]!.GetValue<string>());
        Assert.Equal("State", columns["statecode"]["AttributeType"]!.GetValue<string>());
        Assert.False(columns["statecode"]["IsValidForCreate"]!.GetValue<bool>());
        Assert.True(columns["ownerid"]["IsValidForCreate"]!.GetValue<bool>());
        Assert.Equal("Customer", columns["customerid"]["AttributeType"]!.GetValue<string>());
        Assert.False(columns["ticketnumber"].ContainsKey("MaxLength"));
        // The demo seed declares new_callid: a custom column is listed like a standard one.
        Assert.Equal("String", columns["new_callid"]["AttributeType"]!.GetValue<string>());
        Assert.DoesNotContain("new_nope", columns.Keys);
        Assert.DoesNotContain("_ownerid_value", columns.Keys);
    }

    [Fact]
    public async Task Choice_columns_have_their_options_with_labels_when_OptionSet_is_expanded()
    {
        using var response = await Client.GetAsync(
            "EntityDefinitions(LogicalName='incident')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)");
        var body = await EmulatorClient.JsonOf(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var priority = Assert.Single(body["value"]!.AsArray(), c => c!["LogicalName"]!.GetValue<string>() == "prioritycode")!;
        var options = priority["OptionSet"]!["Options"]!.AsArray()
            .Select(o => $"{o!["Value"]} {o["Label"]!["UserLocalizedLabel"]!["Label"]}");
        Assert.Equal(["1 High", "2 Normal", "3 Low"], options);
        Assert.DoesNotContain(body["value"]!.AsArray(), c => c!["LogicalName"]!.GetValue<string>() is "title" or "statecode");
    }

    [Theory]
    [InlineData("EntityDefinitions(LogicalName='nosuchtable')/Attributes", HttpStatusCode.NotFound)]
    [InlineData("EntityDefinitions(LogicalName='incident')/Attributes?$expand=OptionSet", HttpStatusCode.BadRequest)]
    [InlineData("EntityDefinitions(LogicalName='incident')/Attributes?$select=Nope", HttpStatusCode.BadRequest)]
    [InlineData("EntityDefinitions(LogicalName='incident')/Attributes?$filter=IsCustomAttribute eq true", HttpStatusCode.BadRequest)]
    public async Task Definitions_the_emulator_does_not_serve_are_refused(string path, HttpStatusCode status)
    {
        using var response = await Client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
    }

    [Fact]
    public async Task A_create_with_a_column_the_table_does_not_have_is_refused()
    {
        using var response = await Client.PostAsync("incidents", new JsonObject { ["title"] = "x", ["new_nope"] = "y" });
        var error = (await EmulatorClient.JsonOf(response))["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("new_nope", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
