using System.Text.Json.Nodes;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Templates;

/// <summary>The samples shipped in the plugin folder work as the README says.</summary>
public sealed class SampleTemplateTests
{
    private static string SamplesFolder => Path.Combine(TestSettings.PluginDirectory, "templates", "samples");

    [Fact]
    public async Task The_sample_configuration_and_its_templates_validate_without_any_problem()
    {
        var configuration = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(SamplesFolder, "configuration-example.json")))!.AsObject();
        // The sample names templates/...: as an admin would, with the samples copied next to the configuration.
        configuration["titleFile"] = "title-compact.sbn";
        configuration["descriptionFile"] = "description-it.sbn";
        await using var action = TestSettings.CreateAction();

        var settings = TestSettings.Settings(configuration: configuration, baseDirectory: SamplesFolder);
        Assert.Empty(action.Validate(settings).Problems);

        var preview = await action.PreviewAsync(TestSettings.Request(SampleCalls.Abandoned, settings), CancellationToken.None);
        Assert.Equal("IN +39 06 1234 5678 · sales · abandoned", preview.Fields["title"]);
        Assert.StartsWith("Chiamata in entrata del 24/12/2025 alle 18:59.\nNumero: +39 06 1234 5678\nCoda: sales\nEsito: abbandonata", preview.Fields["description"], StringComparison.Ordinal);
        Assert.Equal("1", preview.Fields["prioritycode"]);
    }

    [Fact]
    public async Task The_readme_inline_title_example_works()
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["title"] = "Call from {{ call.customer_name ?? format_phone call.customer_number }}");
        var settings = TestSettings.Settings(configuration: configuration);

        Assert.Empty(action.Validate(settings).Problems);
        Assert.Equal("Call from Mario Rossi", (await action.PreviewAsync(TestSettings.Request(SampleCalls.Inbound, settings), CancellationToken.None)).Fields["title"]);
        Assert.Equal("Call from +39 06 1234 5678", (await action.PreviewAsync(TestSettings.Request(SampleCalls.Abandoned, settings), CancellationToken.None)).Fields["title"]);
    }
}
