using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Host.Tests.Plugins;

public sealed class PluginManifestReaderTests
{
    private const string Valid = """
        {
          // comments and trailing commas are allowed: manifests are written by hand
          "id": "my-crm",
          "displayName": "my CRM",
          "version": "2.1.0-beta.1",
          "contractVersion": "1.0.0",
          "entryAssembly": "MyCrm.Plugin.dll",
          "accountFields": [
            { "name": "mode", "type": "choice", "choices": [ "a", "b" ], "default": "b", "required": true },
            { "name": "apiKey", "label": "API key", "type": "string", "secret": true },
          ],
          "configurationFields": [ { "name": "retries", "type": "number", "default": 3 } ],
          "futureProperty": { "ignored": true }
        }
        """;

    [Fact]
    public void Reads_every_property_of_a_valid_manifest()
    {
        Assert.True(PluginManifestReader.TryParse(Valid, "plugin.json", out var manifest, out var problems));

        Assert.Empty(problems);
        Assert.Equal("my-crm", manifest.Id);
        Assert.Equal("my CRM", manifest.DisplayName);
        Assert.Equal(string.Empty, manifest.Description);
        Assert.Equal("2.1.0-beta.1", manifest.Version);
        Assert.Equal(new Version(1, 0, 0), manifest.ContractVersion);
        Assert.Equal("MyCrm.Plugin.dll", manifest.EntryAssembly);
        Assert.Equal(
            [
                new PluginField { Name = "mode", Label = "mode", Type = PluginFieldType.Choice, Required = true, Default = "b", Choices = manifest.AccountFields[0].Choices },
                new PluginField { Name = "apiKey", Label = "API key", Type = PluginFieldType.Text, Secret = true, Choices = manifest.AccountFields[1].Choices },
            ],
            manifest.AccountFields);
        Assert.Equal(["a", "b"], manifest.AccountFields[0].Choices);
        Assert.Equal("3", Assert.Single(manifest.ConfigurationFields).Default);
    }

    [Fact]
    public void Reads_the_shipped_dynamics365_manifest()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "plugins", "dynamics365", "plugin.json");

        Assert.True(PluginManifestReader.TryParse(File.ReadAllText(path), "plugin.json", out var manifest, out var problems), string.Join("\n", problems));
        Assert.Equal("dynamics365", manifest.Id);
    }

    [Theory]
    [InlineData("{ \"id\": ", 1, 9)]
    [InlineData("{\n  \"id\": \"x\"\n  \"version\": \"1.0.0\"\n}", 3, 3)]
    public void Malformed_json_is_reported_at_its_line_and_column(string json, int line, int column)
    {
        Assert.False(PluginManifestReader.TryParse(json, "plugin.json", out var manifest, out var problems));

        Assert.Null(manifest);
        var problem = Assert.Single(problems);
        Assert.Equal((line, column), (problem.Line, problem.Column));
        Assert.StartsWith($"plugin.json({line},{column}): malformed JSON: ", problem.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_by_property_path()
    {
        const string json = """
            {
              "id": "My CRM",
              "displayName": 42,
              "version": "one",
              "contractVersion": "1",
              "entryAssembly": "bin/MyCrm.dll",
              "accountFields": [
                { "name": "mode", "type": "choice" },
                { "name": "url", "type": "hyperlink" },
                { "type": "string" },
                "apiKey"
              ],
              "configurationFields": { "name": "x" }
            }
            """;

        Assert.False(PluginManifestReader.TryParse(json, "plugin.json", out _, out var problems));

        Assert.Equal(
            [
                "plugin.json: id: 'My CRM' is not a valid id: use lower-case letters, digits and single hyphens (for example 'my-crm'), at most 64 characters",
                "plugin.json: displayName: must be a string, not a number",
                "plugin.json: version: 'one' is not a semantic version such as '1.2.0'",
                "plugin.json: contractVersion: '1' is not a contract version such as '1.2.0'",
                "plugin.json: entryAssembly: 'bin/MyCrm.dll' must be the file name of a .dll at the root of the plugin folder, with no directory",
                "plugin.json: accountFields[0].choices: a 'choice' field needs a non-empty 'choices' array",
                "plugin.json: accountFields[1].type: 'hyperlink' is not a field type; use one of: string, url, choice, template, map, number, boolean, list",
                "plugin.json: accountFields[2].name: is required but missing",
                "plugin.json: accountFields[3]: must be an object with at least 'name' and 'type', not a string",
                "plugin.json: configurationFields: must be an array of fields, not an object",
            ],
            problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_field_declared_twice_and_a_default_outside_the_choices_are_refused()
    {
        const string json = """
            { "id": "x", "displayName": "x", "version": "1.0.0", "contractVersion": "1.0.0", "entryAssembly": "X.dll",
              "accountFields": [ { "name": "a", "type": "choice", "choices": ["p"], "default": "q" }, { "name": "b", "type": "url" }, { "name": "b", "type": "url" } ] }
            """;

        Assert.False(PluginManifestReader.TryParse(json, "plugin.json", out _, out var problems));

        Assert.Equal(
            [
                "plugin.json: accountFields[0].default: 'q' is not one of the field's choices",
                "plugin.json: accountFields[2].name: 'b' is declared twice in accountFields",
            ],
            problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_manifest_that_is_not_an_object_is_refused()
    {
        Assert.False(PluginManifestReader.TryParse("[]", "plugin.json", out _, out var problems));

        Assert.Equal("plugin.json: the manifest must be a JSON object, not an array", Assert.Single(problems).ToString());
    }
}
