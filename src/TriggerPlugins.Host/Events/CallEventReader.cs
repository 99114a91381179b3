using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Events;

/// <summary>
/// Reads newline-delimited call events (one JSON object a line). A bad line becomes an error that says
/// where (line, column, field) and what is wrong; the lines after it are still read.
/// </summary>
public static class CallEventReader
{
    private const int MaxShownValueLength = 60;

    /// <summary>Reads every line of <paramref name="reader"/>; blank lines are skipped but counted.</summary>
    public static async IAsyncEnumerable<ParsedCallEvent> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return Parse(line, lineNumber);
            }
        }
    }

    /// <summary>Parses one line.</summary>
    /// <param name="line">The JSON text of one event.</param>
    /// <param name="lineNumber">The 1-based line number, for the error message.</param>
    public static ParsedCallEvent Parse(string line, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            var callEvent = JsonSerializer.Deserialize<CallEvent>(line, CallEventJson.Options);
            return callEvent is null
                ? Failure(lineNumber, null, "expected a JSON object (one call event), found null")
                : new ParsedCallEvent(lineNumber, callEvent, null);
        }
        catch (JsonException exception)
        {
            return Failure(lineNumber, Column(exception), Diagnose(line, exception));
        }
    }

    private static ParsedCallEvent Failure(int lineNumber, int? column, string message)
    {
        var where = column is { } c ? $"line {lineNumber}, column {c}" : $"line {lineNumber}";
        return new ParsedCallEvent(lineNumber, null, $"{where}: {message}");
    }

    private static int? Column(JsonException exception) =>
        exception.BytePositionInLine is { } position ? (int)position + 1 : null;

    // The serializer's messages name CLR types and are not meant for admins: work out what is wrong from the
    // document and the contract's metadata instead, so the message names JSON fields and allowed values.
    private static string Diagnose(string line, JsonException exception)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException syntax)
        {
            return $"not valid JSON: {WithoutPosition(syntax.Message)}";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return $"expected a JSON object (one call event), found {Describe(root.ValueKind)}";
            }

            var typeInfo = CallEventJson.Options.GetTypeInfo(typeof(CallEvent));
            var missing = typeInfo.Properties
                .Where(p => p.IsRequired && !HasProperty(root, p.Name))
                .Select(p => p.Name)
                .ToList();
            if (missing.Count > 0)
            {
                return $"missing required {(missing.Count == 1 ? "property" : "properties")}: {string.Join(", ", missing)}";
            }

            var path = exception.Path ?? "$";
            var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
            var expected = ExpectedAt(typeInfo, field);
            var found = Find(root, field) is { } value ? $"found {Shorten(value.GetRawText())}" : "found a value of the wrong type";
            return expected is null
                ? $"{field}: {WithoutPosition(exception.Message)}"
                : $"{field}: {found}; expected {expected}";
        }
    }

    private static bool HasProperty(JsonElement element, string name) =>
        element.EnumerateObject().Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    private static JsonElement? Find(JsonElement root, string field)
    {
        var current = root;
        foreach (var segment in field.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var property = current.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase));
            if (property.Value.ValueKind == JsonValueKind.Undefined)
            {
                return null;
            }

            current = property.Value;
        }

        return current;
    }

    private static string? ExpectedAt(JsonTypeInfo typeInfo, string field)
    {
        Type? type = typeInfo.Type;
        foreach (var segment in field.Split('.'))
        {
            type = type is null ? null : MemberType(type, segment);
        }

        return type is null ? null : DescribeExpected(type);
    }

    private static Type? MemberType(Type container, string segment)
    {
        var dictionary = container.GetInterfaces().Append(container)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));
        if (dictionary is not null)
        {
            return dictionary.GetGenericArguments()[1];
        }

        var info = CallEventJson.Options.GetTypeInfo(container);
        return info.Kind == JsonTypeInfoKind.Object
            ? info.Properties.FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase))?.PropertyType
            : null;
    }

    private static string DescribeExpected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return $"one of: {string.Join(", ", ContractEnumNames.NamesOf(type))}";
        }

        if (type == typeof(string))
        {
            return "a string";
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return "a whole number";
        }

        if (type == typeof(DateTimeOffset))
        {
            return "a date and time in ISO 8601 form with an offset (for example 2025-03-14T09:30:00+01:00)";
        }

        if (type.IsAssignableTo(typeof(IReadOnlyDictionary<string, string>)))
        {
            return "an object whose values are strings";
        }

        return "an object";
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static string Shorten(string text) =>
        text.Length <= MaxShownValueLength ? text : string.Concat(text.AsSpan(0, MaxShownValueLength), "...");

    // "... LineNumber: 0 | BytePositionInLine: 7." repeats what the caller already says, in 0-based form.
    private static string WithoutPosition(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        }

        return (cut >= 0 ? message[..cut] : message).TrimEnd(' ', '|', '.') + ".";
    }
}
