using System.Text.Json;
using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>
/// The check (IConnectionCheck with a configuration) against a vanilla tenant: the shipped sample configuration maps
/// only standard columns; the custom-column example needs the columns its seed fragment defines.
/// </summary>
public sealed class ColumnCheckTests(LoadedPlugin plugin) : IClassFixture<LoadedPlugin>
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    [Fact]
    public async Task The_sample_configuration_passes_on_a_tenant_without_custom_columns()
    {
        await using var harness = await EmulatorHarness.StartAsync(plugin, new EmulatorOptions { Seed = VanillaSeed() });

        var result = await CheckAsync(harness, Sample("config", "configurations", "with-fields.json"));

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("Configuration 'tickets': every ticket column exists", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_custom_column_example_fails_on_a_vanilla_tenant_and_passes_once_its_columns_exist()
    {
        var example = Sample("config", "examples", "custom-columns", "with-custom-columns.json");
        await using (var vanilla = await EmulatorHarness.StartAsync(plugin, new EmulatorOptions { Seed = VanillaSeed() }))
        {
            var refused = await CheckAsync(vanilla, example);

            Assert.False(refused.Succeeded);
            Assert.Contains("fields.new_callid: the incident table has no column 'new_callid'", refused.Message, StringComparison.Ordinal);
            Assert.Contains("fields.new_queue: the incident table has no column 'new_queue'", refused.Message, StringComparison.Ordinal);
        }

        var seed = VanillaSeed();
        var fragment = Sample("config", "examples", "custom-columns", "columns.seed.json")["customAttributes"]!.AsObject();
        foreach (var (set, columns) in fragment)
        {
            seed.CustomAttributes[set] = [.. columns!.AsArray().Select(c => new SeedCustomColumn
            {
                Name = c!["name"]!.GetValue<string>(),
                Type = c["type"]!.GetValue<string>(),
                MaxLength = c["maxLength"]?.GetValue<int>(),
            })];
        }

        await using var customized = await EmulatorHarness.StartAsync(plugin, new EmulatorOptions { Seed = seed });
        var accepted = await CheckAsync(customized, example);

        Assert.True(accepted.Succeeded, accepted.Message);
    }

    private static Task<ConnectionCheckResult> CheckAsync(EmulatorHarness harness, JsonObject configuration)
        => ((IConnectionCheck)harness.Action).CheckConnectionAsync(TestSettings.Settings(harness.Account(), configuration), CancellationToken.None);

    private static EmulatorSeed VanillaSeed()
    {
        var seed = EmulatorSeed.Demo();
        seed.CustomAttributes.Clear();
        return seed;
    }

    private static JsonObject Sample(params string[] path)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "samples", "config")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return JsonNode.Parse(File.ReadAllText(Path.Combine([directory.FullName, "samples", .. path])), documentOptions: Lenient)!.AsObject();
    }
}
