using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary><c>phoneColumns</c>: the caller's contact is looked up in several phone columns, still in one request.</summary>
public sealed class PhoneColumnsTests(LoadedPlugin plugin) : IClassFixture<LoadedPlugin>
{
    private const string MobileOnlyContact = "7d1f5a2e-3c4b-4d6e-8f90-a1b2c3d4e5f6";

    [Fact]
    public async Task A_contact_whose_number_is_only_in_mobilephone_is_found_in_one_request_when_the_column_is_listed()
    {
        await using var harness = await StartAsync();
        var configuration = TestSettings.Configuration(c => c["phoneColumns"] = new JsonArray("telephone1", "mobilephone", "telephone2"));

        var outcome = await harness.ExecuteAsync(CallFrom("+39 348 991 2207"), "delivery-1", configuration: configuration);

        Assert.IsType<ActionSucceeded>(outcome);
        var incident = Assert.Single(harness.Emulator.Store.Records("incidents"));
        Assert.Equal(MobileOnlyContact, (string?)incident["_customerid_value"]);
        var lookup = Assert.Single(harness.Emulator.Requests.Snapshot(), r => r.Method == "GET" && r.Path.EndsWith("/contacts", StringComparison.Ordinal));
        var filter = Uri.UnescapeDataString(lookup.Query);
        Assert.Contains("mobilephone eq ", filter, StringComparison.Ordinal);
        Assert.Contains("telephone2 eq ", filter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_only_telephone1_is_searched()
    {
        await using var harness = await StartAsync();

        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(CallFrom("+39 348 991 2207"), "delivery-1"));

        var incident = Assert.Single(harness.Emulator.Store.Records("incidents"));
        Assert.NotEqual(MobileOnlyContact, (string?)incident["_customerid_value"]);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[\"telephone1\", \"telephone1\"]")]
    [InlineData("\"telephone1\"")]
    [InlineData("[\"Telephone1\"]")]
    public async Task Bad_phone_columns_are_a_validation_error(string value)
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["phoneColumns"] = JsonNode.Parse(value));

        var report = action.Validate(TestSettings.Settings(configuration: configuration));

        Assert.Contains(report.Problems, p => p.Field == "phoneColumns" && p.Message.Contains("distinct contact column names", StringComparison.Ordinal));
    }

    private static CallEvent CallFrom(string number) => SampleCalls.Inbound with { CallerNumber = number };

    private async Task<EmulatorHarness> StartAsync()
    {
        var seed = EmulatorSeed.Demo();
        seed.Records["contacts"].Add(new JsonObject { ["contactid"] = MobileOnlyContact, ["lastname"] = "Mobile Only", ["telephone1"] = "+39 06 5555 0101", ["mobilephone"] = "348 9912207" });
        return await EmulatorHarness.StartAsync(plugin, new EmulatorOptions { Seed = seed });
    }
}
