using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator.Tests.Support;

namespace TriggerPlugins.DataverseEmulator.Tests.Seeding;

/// <summary>Seed files: the sample, the built-in demo, and clear errors for bad seeds.</summary>
public sealed class SeedTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("emulator-seed-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Sample_seed_file_loads_the_demo_tenant()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions { SeedFile = Path.Combine(AppContext.BaseDirectory, "samples", "seed.json") });

        Assert.Equal(Guid.Parse(Demo.TenantId), emulator.OrganizationTenantId);
        Assert.InRange(emulator.Store.Count("systemusers"), 30, 40);
        Assert.Contains(emulator.Store.Records("contacts"), c => c["telephone1"]?.GetValue<string>() == "+390612345678" && c["fullname"]?.GetValue<string>() == "Mario Rossi");
        Assert.Contains(emulator.Store.Records("systemusers"), u => u["internalemailaddress"]?.GetValue<string>() == "carla.verdi@contoso.com");
    }

    [Fact]
    public void Built_in_demo_seed_is_the_sample_file()
    {
        var demo = EmulatorSeed.Demo();
        var file = EmulatorSeed.LoadFile(Path.Combine(AppContext.BaseDirectory, "samples", "seed.json"));

        Assert.Equal(file.Tenants.Single().Applications.Count, demo.Tenants.Single().Applications.Count);
        Assert.Equal(file.Records["systemusers"].Count, demo.Records["systemusers"].Count);
    }

    [Fact]
    public void Json_syntax_error_names_file_line_and_column()
    {
        var path = Write("{\n  \"tenants\": [\n    { \"tenantId\": }\n  ]\n}");

        var error = Assert.Throws<EmulatorSeedException>(() => EmulatorSeed.LoadFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Misspelled_property_is_refused_with_its_path()
    {
        var path = Write("""{ "tenants": [ { "tenantId": "7f3c2a9e-5b1d-4c8e-9a6f-2d4b8e1c0a53", "aplications": [] } ] }""");

        var error = Assert.Throws<EmulatorSeedException>(() => EmulatorSeed.LoadFile(path));

        Assert.Contains("aplications", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_records_are_reported_with_their_place_in_the_seed()
    {
        var seed = EmulatorSeed.Demo();
        seed.Records["contacts"].Add(new JsonObject { ["lastname"] = "Ok" });
        seed.Records["contacts"].Add(new JsonObject { ["phone"] = "+39" });
        seed.Records["accounts"] = [new JsonObject()];

        var error = await Assert.ThrowsAsync<EmulatorSeedException>(() => DataverseEmulator.StartAsync(new EmulatorOptions { Seed = seed }));

        var index = seed.Records["contacts"].Count - 1;
        Assert.Contains($"records.contacts[{index}]: The property 'phone' does not exist on type 'Microsoft.Dynamics.CRM.contact'", error.Message, StringComparison.Ordinal);
        Assert.Contains("records.accounts: unknown entity set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_tenants_and_custom_columns_are_reported()
    {
        var seed = new EmulatorSeed();
        seed.Tenants.Add(new SeedTenant { Users = { new SeedUser { Username = "no-domain", Password = "" } } });
        seed.CustomAttributes["incidents"] = [new SeedCustomColumn { Name = "CallId" }, new SeedCustomColumn { Name = "new_x", Type = "money" }];

        var error = await Assert.ThrowsAsync<EmulatorSeedException>(() => DataverseEmulator.StartAsync(new EmulatorOptions { Seed = seed }));

        Assert.Contains("tenants[0].tenantId", error.Message, StringComparison.Ordinal);
        Assert.Contains("tenants[0].users[0].username", error.Message, StringComparison.Ordinal);
        Assert.Contains("tenants[0].users[0].password", error.Message, StringComparison.Ordinal);
        Assert.Contains("customAttributes.incidents[0].name", error.Message, StringComparison.Ordinal);
        Assert.Contains("customAttributes.incidents[1].type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seeded_custom_columns_are_accepted_on_create_and_others_are_not()
    {
        var seed = EmulatorSeed.Demo();
        seed.CustomAttributes["contacts"] = [new SeedCustomColumn { Name = "new_vip", Type = "boolean" }];
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions { Seed = seed });
        using var client = await EmulatorClient.ForApplicationAsync(emulator);

        using var accepted = await client.PostAsync("contacts", new JsonObject { ["lastname"] = "Vip", ["new_vip"] = true });
        using var refused = await client.PostAsync("contacts", new JsonObject { ["lastname"] = "Queue", ["new_queue"] = "sales" });

        Assert.Equal(204, (int)accepted.StatusCode);
        Assert.Equal(400, (int)refused.StatusCode);
    }

    [Fact]
    public async Task Missing_seed_file_is_a_clear_error()
    {
        var path = Path.Combine(_directory, "absent.json");

        var error = await Assert.ThrowsAsync<EmulatorSeedException>(() => DataverseEmulator.StartAsync(new EmulatorOptions { SeedFile = path }));

        Assert.Contains($"Cannot read the seed file '{path}'", error.Message, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_directory, "seed.json");
        File.WriteAllText(path, json);
        return path;
    }
}
