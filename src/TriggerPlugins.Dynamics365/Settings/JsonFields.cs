using System.Text.Json;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>
/// Reads the fields of an admin-written JSON object case-insensitively (the user's description writes
/// <c>ClientId</c>, the samples <c>clientId</c>), reporting wrong types and unknown fields as problems.
/// </summary>
internal sealed class JsonFields
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _source;
    private readonly List<ValidationProblem> _problems;

    private JsonFields(string source, List<ValidationProblem> problems)
    {
        _source = source;
        _problems = problems;
    }

    /// <summary>Reads <paramref name="element"/>; a non-object yields no field and one error.</summary>
    public static JsonFields Read(JsonElement element, string source, string what, IReadOnlyCollection<string> knownFields, List<ValidationProblem> problems)
    {
        var fields = new JsonFields(source, problems);
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, source, string.Empty, $"the {what} must be a JSON object, not {Describe(element.ValueKind)}"));
            return fields;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!knownFields.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(new ValidationProblem(ValidationSeverity.Warning, source, property.Name,
                    $"unknown field, ignored (known fields: {string.Join(", ", knownFields)})"));
                continue;
            }

            if (!fields._fields.TryAdd(property.Name, property.Value))
            {
                problems.Add(new ValidationProblem(ValidationSeverity.Error, source, property.Name, "is written twice (names are case-insensitive); keep one"));
            }
        }

        return fields;
    }

    /// <summary>The field as a string; null when absent or JSON null; a problem when not a string.</summary>
    public string? String(string name)
    {
        if (!_fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        _problems.Add(new ValidationProblem(ValidationSeverity.Error, _source, name, $"must be a string, not {Describe(value.ValueKind)}"));
        return null;
    }

    /// <summary>The field as a whole number; null when absent; a problem when not an integer.</summary>
    public int? Integer(string name)
    {
        if (!_fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        _problems.Add(new ValidationProblem(ValidationSeverity.Error, _source, name, $"must be a whole number, not {Describe(value.ValueKind)}"));
        return null;
    }

    /// <summary>The raw element, if present.</summary>
    public JsonElement? Element(string name)
        => _fields.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    // The same wording as the host's TriggerPlugins.Host.Json.JsonText.Describe, kept as a copy on purpose: a plugin
    // references only the contract (TriggerPlugins.Abstractions), never the host, so it cannot share the host's kit.
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
