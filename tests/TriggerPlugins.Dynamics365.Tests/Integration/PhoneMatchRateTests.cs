using System.Globalization;
using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Dynamics365.Tests.Support;
using Xunit.Abstractions;
using static TriggerPlugins.Dynamics365.Tests.Support.DemoTenant;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>
/// Contacts stored in 8 formats per country (IT, GB, US, DE, FR; 5 numbers per format): the host-loaded plugin finds
/// each caller's contact with one lookup request, and never links another contact (decoys share the local digits).
/// The rate is the README's phone-match figure.
/// </summary>
public sealed class PhoneMatchRateTests(LoadedPlugin plugin, ITestOutputHelper output) : IClassFixture<LoadedPlugin>
{
    private const int NumbersPerFormat = 5;

    // {n} is a two-digit suffix, unique per (format, number). Formats as people and CRM imports write them.
    private static readonly (string Country, string[] Formats, string Decoy)[] Countries =
    [
        ("IT", ["+3906123456{n}", "+39 06 1234 56{n}", "06 1234 56{n}", "06123456{n}", "0039 06 123456{n}", "0039 06 1234 56{n}", "+39-06-1234-56{n}", "3906123456{n}"], "02 1234 56{n}"),
        ("GB", ["+4420794600{n}", "+44 20 7946 00{n}", "020 7946 00{n}", "02079460 0{n}".Replace(" ", string.Empty, StringComparison.Ordinal), "0044 20 7946 00{n}", "+44 (0)20 7946 00{n}", "+44-20-7946-00{n}", "4420794600{n}"], "0161 946 00{n}"),
        ("US", ["+12025550{n}0", "+1 202-555-0{n}0", "(202) 555-0{n}0", "2025550{n}0", "1-202-555-0{n}0", "+1-202-555-0{n}0", "202.555.0{n}0", "12025550{n}0"], "(303) 555-0{n}0"),
        ("DE", ["+49301234{n}56", "+49 30 1234{n}56", "030 1234{n}56", "0301234{n}56", "0049 30 1234{n}56", "030/1234{n}56", "+49-30-1234{n}56", "49301234{n}56"], "040 1234{n}56"),
        ("FR", ["+331426853{n}", "+33 1 42 68 53 {n}", "01 42 68 53 {n}", "01426853{n}", "0033 1 42 68 53 {n}", "01.42.68.53.{n}", "+33-1-42-68-53-{n}", "331426853{n}"], "04 42 68 53 {n}"),
    ];

    [Fact]
    public async Task At_least_99_percent_of_callers_find_their_contact_whatever_its_stored_format_with_one_request_and_no_false_match()
    {
        var seed = EmulatorSeed.Demo();
        var expected = new List<(string Country, string CallerE164, string ContactId, string Stored)>();
        var id = 0;
        foreach (var (country, formats, decoy) in Countries)
        {
            for (var format = 0; format < formats.Length; format++)
            {
                for (var i = 0; i < NumbersPerFormat; i++)
                {
                    var suffix = ((format + 1) * 10 + i).ToString(CultureInfo.InvariantCulture);
                    var stored = formats[format].Replace("{n}", suffix, StringComparison.Ordinal);
                    var e164 = formats[0].Replace("{n}", suffix, StringComparison.Ordinal);
                    var contactId = ContactId(++id);
                    seed.Records["contacts"].Add(new JsonObject { ["contactid"] = contactId, ["lastname"] = $"{country} {format} {i}", ["telephone1"] = stored });
                    // Same local digits in another area: Dataverse text would never match it, and the re-normalised check must not either.
                    seed.Records["contacts"].Add(new JsonObject { ["contactid"] = ContactId(++id), ["lastname"] = $"decoy {country} {format} {i}", ["telephone1"] = decoy.Replace("{n}", suffix, StringComparison.Ordinal) });
                    expected.Add((country, e164, contactId, stored));
                }
            }
        }

        await using var harness = await EmulatorHarness.StartAsync(plugin, new EmulatorOptions { Seed = seed });
        var found = 0;
        var falseMatches = new List<string>();
        var misses = new List<string>();
        var call = 0;
        foreach (var (country, callerE164, contactId, stored) in expected)
        {
            var configuration = TestSettings.Configuration(c => c["defaultCountry"] = country);
            var outcome = await harness.ExecuteAsync(SampleCalls.Inbound with { Id = $"call-{++call}", CallerNumber = callerE164, Agent = null }, $"delivery-{call}", configuration: configuration);
            var success = Assert.IsType<ActionSucceeded>(outcome);
            var customer = (string?)harness.Emulator.Store.Records("incidents").Single(r => (string?)r["incidentid"] == success.ExternalId)["_customerid_value"];
            if (customer == contactId)
            {
                found++;
            }
            else if (success.Notes.Any(n => n.Contains("new contact", StringComparison.Ordinal)))
            {
                misses.Add($"{country} '{stored}'");
            }
            else
            {
                falseMatches.Add($"{country} '{stored}' linked {customer}");
            }
        }

        var rate = (double)found / expected.Count;
        output.WriteLine($"phone match: {found} of {expected.Count} ({rate:P1}); misses: {string.Join(", ", misses)}");
        Assert.Empty(falseMatches);
        Assert.True(rate >= 0.99, $"{found} of {expected.Count} callers found their contact; missed: {string.Join(", ", misses)}");
        Assert.Equal(expected.Count, harness.Requests().Count(r => r == $"GET {Api}/contacts"));
    }

    private static string ContactId(int n) => $"00000000-0000-0000-0001-{n:D12}";
}
