using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TriggerPlugins.Host.Json;

namespace TriggerPlugins.Admin.Pages;

/// <summary>One input of a form generated from a manifest field.</summary>
/// <param name="Field">The manifest's declaration.</param>
/// <param name="Value">The value to show (never a secret's).</param>
/// <param name="SecretStored">For a secret: whether the file has a value (shown as "stored", never sent).</param>
/// <param name="SecretReference">For a secret read from the environment: its <c>env:NAME</c> (a name, not a secret).</param>
public sealed record FieldInput(PluginField Field, string? Value, bool SecretStored, string? SecretReference = null);

/// <summary>Turns an account or configuration file into form values and back, driven by the plugin manifest's fields.</summary>
internal static class SettingsForm
{
    /// <summary>
    /// Never sent to the browser: secrets, and lists (a list of application users holds their client secrets).
    /// A blank input keeps the stored value.
    /// </summary>
    public static bool IsWriteOnly(PluginField field) => field.Secret || field.Type == PluginFieldType.List;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The form values of a file. Secrets are left out: they never go back to the browser.</summary>
    public static Dictionary<string, string?> ToValues(JsonObject? file, IEnumerable<PluginField> fields)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var field in fields.Where(f => !IsWriteOnly(f)))
        {
            values[field.Name] = file?[field.Name] switch
            {
                null => null,
                JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
                JsonObject map => map.ToJsonString(Indented),
                var other => other.ToJsonString(),
            };
        }

        return values;
    }

    /// <summary>The inputs of a form, in the manifest's order.</summary>
    public static IEnumerable<FieldInput> Inputs(IEnumerable<PluginField> fields, IDictionary<string, string?> values, JsonObject? stored) =>
        fields.Select(f => new FieldInput(
            f,
            IsWriteOnly(f) ? null : values.TryGetValue(f.Name, out var v) ? v : null,
            IsWriteOnly(f) && stored?[f.Name] is not null,
            IsWriteOnly(f) && stored?[f.Name]?.GetValueKind() == JsonValueKind.String && stored[f.Name]!.GetValue<string>() is { } text && text.StartsWith("env:", StringComparison.Ordinal) ? text : null));

    /// <summary>
    /// Builds the file from the form: typed values from the manifest, blank fields left out (the plugin's default
    /// applies), a blank secret keeps the stored one, properties the manifest does not know are kept as they were.
    /// </summary>
    public static JsonObject Build(string plugin, IReadOnlyList<PluginField> fields, IDictionary<string, string?> values, JsonObject? stored, string source, List<ValidationProblem> problems)
    {
        var result = new JsonObject { ["plugin"] = plugin };
        foreach (var (name, node) in stored ?? [])
        {
            if (name != "plugin" && !fields.Any(f => f.Name == name))
            {
                result[name] = node?.DeepClone();
            }
        }

        foreach (var field in fields)
        {
            var text = values.TryGetValue(field.Name, out var v) ? v?.ReplaceLineEndings("\n") : null;
            if (field.Type is not (PluginFieldType.Template or PluginFieldType.Map or PluginFieldType.List))
            {
                text = text?.Trim();
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                if (IsWriteOnly(field) && stored?[field.Name] is { } secret)
                {
                    result[field.Name] = secret.DeepClone();
                }

                continue;
            }

            result[field.Name] = Typed(field, text, source, problems);
        }

        return result;
    }

    private static JsonNode? Typed(PluginField field, string text, string source, List<ValidationProblem> problems)
    {
        switch (field.Type)
        {
            case PluginFieldType.Number when !text.StartsWith("env:", StringComparison.Ordinal):
                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return decimal.IsInteger(number) && Math.Abs(number) < long.MaxValue ? JsonValue.Create((long)number) : JsonValue.Create(number);
                }

                problems.Add(new ValidationProblem(ValidationSeverity.Error, source, field.Name, $"'{text}' is not a number: write digits, e.g. {field.Default ?? "30"}"));
                return text;
            case PluginFieldType.Boolean:
                return text == "true";
            case PluginFieldType.Map or PluginFieldType.List:
                try
                {
                    var node = JsonNode.Parse(text);
                    if (field.Type == PluginFieldType.Map ? node is JsonObject : node is JsonArray)
                    {
                        return node;
                    }

                    problems.Add(new ValidationProblem(ValidationSeverity.Error, source, field.Name, field.Type == PluginFieldType.Map
                        ? "expected a JSON object: { \"name\": \"template or value\" }"
                        : "expected a JSON list: [ { ... }, { ... } ]", 1, 1));
                }
                catch (JsonException ex)
                {
                    problems.Add(new ValidationProblem(ValidationSeverity.Error, source, field.Name, "not valid JSON: " + JsonText.WithoutPosition(ex.Message),
                        JsonText.Line(ex) ?? 1, JsonText.Column(ex) ?? 1));
                }

                return null;
            default:
                return text;
        }
    }
}
