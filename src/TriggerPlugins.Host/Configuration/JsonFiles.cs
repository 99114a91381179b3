using System.Text.Json;

namespace TriggerPlugins.Host.Configuration;

/// <summary>Reads the JSON files of a config folder, turning syntax errors into problems with line and column.</summary>
internal static class JsonFiles
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads a file holding one JSON object; <see langword="null"/> (with a problem) when it cannot.</summary>
    public static JsonElement? ReadObject(string path, string source, ProblemCollector problems)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException exception)
        {
            problems.Error(source, string.Empty, $"cannot read the file: {exception.Message}");
            return null;
        }
        catch (UnauthorizedAccessException exception)
        {
            problems.Error(source, string.Empty, $"cannot read the file: {exception.Message}");
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text, DocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Error(source, string.Empty, $"expected a JSON object, found {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
                return null;
            }

            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            problems.Error(
                source,
                exception.Path is { Length: > 1 } at ? at.TrimStart('$', '.') : string.Empty,
                $"not valid JSON: {FirstSentence(exception.Message)}",
                exception.LineNumber is { } line ? (int)line + 1 : null,
                exception.BytePositionInLine is { } column ? (int)column + 1 : null);
            return null;
        }
    }

    // The parser appends "LineNumber: 0 | BytePositionInLine: 7." in 0-based form; the problem carries the position.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut].TrimEnd(' ', '|');
    }

    /// <summary>Reports every property of <paramref name="element"/> not in <paramref name="known"/>.</summary>
    public static void RejectUnknownProperties(JsonElement element, IReadOnlyCollection<string> known, string path, string source, ProblemCollector problems)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                problems.Error(source, JsonPath.Property(path, property.Name), $"unknown property; expected one of: {string.Join(", ", known)}");
            }
        }
    }

    /// <summary>Reads a required, non-empty string property.</summary>
    public static string? RequiredString(JsonElement element, string name, string path, string source, ProblemCollector problems)
    {
        var field = JsonPath.Property(path, name);
        if (!element.TryGetProperty(name, out var value))
        {
            problems.Error(source, field, "is required");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            problems.Error(source, field, "expected a non-empty string");
            return null;
        }

        return value.GetString();
    }
}
