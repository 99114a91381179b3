using System.Text.Json;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>
/// Reads the fields of an admin-written JSON object by their declarations (<see cref="DeclaredFields"/>):
/// case-insensitively (the user's description writes <c>ClientId</c>, the samples <c>clientId</c>), with the declared
/// type, required flag, default and choices, reporting every problem for the admin. A reader that asks for a field
/// the declarations do not have, or as another type, or that leaves a declared field unread, is a programming error
/// and throws, so a reader and its declaration cannot drift apart unnoticed.
/// </summary>
internal sealed class JsonFields
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DeclaredField> _declared;
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase) { "plugin" };
    private readonly string _source;
    private readonly List<ValidationProblem> _problems;

    private JsonFields(IReadOnlyList<DeclaredField> declared, string source, List<ValidationProblem> problems)
    {
        _declared = declared.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        _source = source;
        _problems = problems;
    }

    /// <summary>Reads <paramref name="element"/>; a non-object yields no field and one error; a required field that is missing or blank, one error.</summary>
    public static JsonFields Read(JsonElement element, string source, string what, IReadOnlyList<DeclaredField> declared, List<ValidationProblem> problems)
    {
        var fields = new JsonFields(declared, source, problems);
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, source, string.Empty, $"the {what} must be a JSON object, not {Describe(element.ValueKind)}"));
            return fields;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!fields._declared.ContainsKey(property.Name))
            {
                problems.Add(new ValidationProblem(ValidationSeverity.Warning, source, property.Name,
                    $"unknown field, ignored (known fields: {string.Join(", ", declared.Select(f => f.Name))})"));
                continue;
            }

            if (!fields._fields.TryAdd(property.Name, property.Value))
            {
                problems.Add(new ValidationProblem(ValidationSeverity.Error, source, property.Name, "is written twice (names are case-insensitive); keep one"));
            }
        }

        foreach (var field in declared.Where(f => f.Required && fields.IsBlank(f.Name)))
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, source, field.Name, $"is required: {field.Label}"));
        }

        return fields;
    }

    /// <summary>A string, URL or template field; its default when absent or blank; null when absent without a default, or not a string (a problem).</summary>
    public string? String(string name)
    {
        var field = Declared(name, nameof(String), DeclaredType.String, DeclaredType.Url, DeclaredType.Template);
        var text = Value(field)?.GetString();
        return string.IsNullOrWhiteSpace(text) && field.Default is { } fallback ? fallback.GetString() : text;
    }

    /// <summary>A whole-number field; its default when absent or not a whole number (a problem).</summary>
    public int? Integer(string name)
    {
        var field = Declared(name, nameof(Integer), DeclaredType.Number);
        if (Value(field) is not { } value)
        {
            return field.Default?.GetInt32();
        }

        if (value.TryGetInt32(out var number))
        {
            return number;
        }

        _problems.Add(new ValidationProblem(ValidationSeverity.Error, _source, name, $"must be a whole number, not {value.GetRawText()}"));
        return field.Default?.GetInt32();
    }

    /// <summary>A whole-number field that declares a default: the value, or the default.</summary>
    public int IntegerOrDefault(string name)
        => _declared.TryGetValue(name, out var field) && field.Default is null ? throw NoDefault(name) : Integer(name)!.Value;

    /// <summary>A boolean field that declares a default: the value, or the default (also when not true/false, a problem).</summary>
    public bool Boolean(string name)
    {
        var field = Declared(name, nameof(Boolean), DeclaredType.Boolean);
        return field.Default is { } fallback ? (Value(field) ?? fallback).GetBoolean() : throw NoDefault(name);
    }

    /// <summary>
    /// A choice field as <typeparamref name="TEnum"/>, whose names must be the declared choices (any case): the value
    /// (any case), the default when absent or blank, null when absent without a default or not one of the choices (a problem).
    /// </summary>
    public TEnum? Choice<TEnum>(string name)
        where TEnum : struct, Enum
    {
        var field = Declared(name, nameof(Choice), DeclaredType.Choice);
        var choices = field.Choices ?? [];
        if (!choices.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(Enum.GetNames<TEnum>().Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The manifest declares {name}'s choices as [{string.Join(", ", choices)}] but the plugin reads them as {typeof(TEnum).Name} [{string.Join(", ", Enum.GetNames<TEnum>())}].");
        }

        var text = Value(field)?.GetString();
        if (string.IsNullOrWhiteSpace(text))
        {
            text = field.Default?.GetString();
        }

        if (text is null)
        {
            return null;
        }

        if (Enum.TryParse<TEnum>(text.Trim(), ignoreCase: true, out var choice) && choices.Contains(text.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            return choice;
        }

        _problems.Add(new ValidationProblem(ValidationSeverity.Error, _source, name, $"'{text}' is not allowed; expected {string.Join(" or ", choices)}"));
        return null;
    }

    /// <summary>A list field (a JSON array), if present; anything else is a problem that says <paramref name="expected"/>.</summary>
    public JsonElement? List(string name, string expected) => Value(Declared(name, nameof(List), DeclaredType.List), expected);

    /// <summary>A map field (a JSON object), if present; anything else is a problem that says <paramref name="expected"/>.</summary>
    public JsonElement? Map(string name, string expected) => Value(Declared(name, nameof(Map), DeclaredType.Map), expected);

    /// <summary>Throws when a declared field was never read: a setting the admin could write that would do nothing.</summary>
    public void EnsureEveryFieldRead()
    {
        var unread = _declared.Keys.Where(n => !_read.Contains(n)).ToList();
        if (unread.Count > 0)
        {
            throw new InvalidOperationException($"Declared but never read: {string.Join(", ", unread)}. Read them, or remove them from the manifest.");
        }
    }

    private bool IsBlank(string name)
        => !_fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null
            || (value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString()));

    private DeclaredField Declared(string name, string accessor, params DeclaredType[] types)
    {
        if (!_declared.TryGetValue(name, out var field))
        {
            throw new InvalidOperationException($"The plugin reads '{name}', which is not declared (plugin-manifest/dynamics365.json): declare it there.");
        }

        if (!types.Contains(field.Type))
        {
            throw new InvalidOperationException($"The plugin reads '{name}' as {accessor} but it is declared as {field.Type}: the declaration and the reader must agree.");
        }

        _read.Add(name);
        return field;
    }

    // The value when present and of the declared JSON kind; a wrong kind is a problem and reads as absent.
    private JsonElement? Value(DeclaredField field, string? expected = null)
    {
        if (!_fields.TryGetValue(field.Name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var kind = value.ValueKind == JsonValueKind.False ? JsonValueKind.True : value.ValueKind;
        if (kind == field.Kind)
        {
            return value;
        }

        expected ??= field.Kind switch
        {
            JsonValueKind.Number => "must be a whole number",
            JsonValueKind.True => "must be true or false",
            _ => "must be a string",
        };
        _problems.Add(new ValidationProblem(ValidationSeverity.Error, _source, field.Name, $"{expected}, not {Describe(value.ValueKind)}"));
        return null;
    }

    private static InvalidOperationException NoDefault(string name)
        => new($"'{name}' is read as a value with a default, but its declaration has none: declare a default.");

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
