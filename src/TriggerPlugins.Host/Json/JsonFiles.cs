using System.Text.Json;

namespace TriggerPlugins.Host.Json;

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
                problems.Error(source, string.Empty, $"expected a JSON object, found {JsonText.Describe(document.RootElement.ValueKind)}");
                return null;
            }

            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            problems.Error(
                source,
                exception.Path is { Length: > 1 } at ? at.TrimStart('$', '.') : string.Empty,
                $"not valid JSON: {JsonText.WithoutPosition(exception.Message)}",
                JsonText.Line(exception),
                JsonText.Column(exception));
            return null;
        }
    }
}
