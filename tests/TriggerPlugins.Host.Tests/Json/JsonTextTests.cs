using System.Text.Json;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Json;

namespace TriggerPlugins.Host.Tests.Json;

/// <summary>The host's one way to word JSON mistakes (issue 17): every reader reports them alike.</summary>
public sealed class JsonTextTests
{
    [Fact]
    public void A_parser_message_loses_its_zero_based_position_and_the_position_is_reported_one_based()
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse("{\n  \"a\": 1,\n  \"b\" 2\n}"));

        Assert.Contains("LineNumber:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", JsonText.WithoutPosition(error.Message), StringComparison.Ordinal);
        Assert.EndsWith(".", JsonText.WithoutPosition(error.Message), StringComparison.Ordinal);
        Assert.Equal(3, JsonText.Line(error));
        Assert.Equal(7, JsonText.Column(error));
    }

    [Fact]
    public void A_serializer_message_loses_its_path_as_well()
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Dictionary<string, int>>("{\"a\": \"x\"}"));

        Assert.Contains("Path: $.a", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Path:", JsonText.WithoutPosition(error.Message), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "an object")]
    [InlineData("[]", "an array")]
    [InlineData("\"x\"", "a string")]
    [InlineData("1.5", "a number")]
    [InlineData("false", "a boolean")]
    [InlineData("null", "null")]
    public void A_value_kind_is_said_as_an_admin_says_it(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, JsonText.Describe(document.RootElement.ValueKind));
    }

    [Fact]
    public void Config_files_and_manifests_word_the_same_syntax_error_the_same_way()
    {
        const string text = "{\n  \"id\": \"x\",,\n}";
        var config = Path.Combine(Path.GetTempPath(), $"json-kit-{Guid.NewGuid():N}.json");
        File.WriteAllText(config, text);
        try
        {
            var problems = new ProblemCollector();
            Assert.Null(JsonFiles.ReadObject(config, "x.json", problems));
            Assert.False(Host.Plugins.PluginManifestReader.TryParse(text, "plugin.json", out _, out var manifestProblems));

            var fromConfig = Assert.Single(problems.Problems);
            var fromManifest = Assert.Single(manifestProblems);
            Assert.Equal(fromConfig.Message["not valid JSON: ".Length..], fromManifest.Message["malformed JSON: ".Length..]);
            Assert.Equal((fromConfig.Line, fromConfig.Column), (fromManifest.Line, fromManifest.Column));
            Assert.Equal(ValidationSeverity.Error, fromManifest.Severity);
        }
        finally
        {
            File.Delete(config);
        }
    }
}
