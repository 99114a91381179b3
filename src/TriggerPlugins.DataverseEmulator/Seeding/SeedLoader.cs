using System.Text.Json;
using System.Text.Json.Serialization;

namespace TriggerPlugins.DataverseEmulator;

/// <summary>Reads seed JSON; syntax and shape errors name the source, line, column and JSON path.</summary>
internal static class SeedLoader
{
    internal const string DemoSeedResource = "TriggerPlugins.DataverseEmulator.demo-seed.json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    internal static EmulatorSeed LoadFile(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EmulatorSeedException($"Cannot read the seed file '{path}': {ex.Message}", ex);
        }

        return Parse(json, path);
    }

    internal static EmulatorSeed LoadDemo()
    {
        using var stream = typeof(SeedLoader).Assembly.GetManifestResourceStream(DemoSeedResource)
            ?? throw new InvalidOperationException($"The embedded resource '{DemoSeedResource}' is missing from the emulator assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "the built-in demo seed");
    }

    internal static EmulatorSeed Parse(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<EmulatorSeed>(json, Options)
                ?? throw new EmulatorSeedException($"The seed in {source} is 'null'; expected a JSON object.");
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}" : "";
            var path = string.IsNullOrEmpty(ex.Path) ? "" : $" ({ex.Path})";
            throw new EmulatorSeedException($"The seed in {source} is not valid{where}{path}: {FirstSentence(ex.Message)}", ex);
        }
    }

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends "Path: ... | LineNumber: ..." which is already reported above.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
