using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Json;

namespace TriggerPlugins.Host.Events;

/// <summary>
/// Reads newline-delimited call events (one JSON object a line). A bad line becomes an error that says
/// where (line, column, field) and what is wrong; the lines after it are still read. Lines over the limit
/// (<see cref="CallEventLimits"/>) are skipped without being held in memory; invalid UTF-8, empty ids and
/// numbers in enum fields are refused.
/// </summary>
public static class CallEventReader
{
    private const int MaxShownValueLength = 60;
    private const int ChunkBytes = 64 * 1024;

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

    /// <summary>
    /// Reads every line of <paramref name="stream"/> as UTF-8, holding at most <see cref="CallEventLimits.MaxLineBytes"/>
    /// of a line in memory: a longer line is counted, skipped and reported, and the next line is read as usual.
    /// </summary>
    public static async IAsyncEnumerable<ParsedCallEvent> ReadAsync(Stream stream, CallEventLimits? limits = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= CallEventLimits.Default;
        var chunk = new byte[ChunkBytes];
        var line = new ArrayBufferWriter<byte>(Math.Min(limits.MaxLineBytes, ChunkBytes));
        long lineBytes = 0;
        var lineNumber = 0;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            var rest = chunk.AsMemory(0, read);
            while (rest.Length > 0)
            {
                var newline = rest.Span.IndexOf((byte)'\n');
                var piece = newline < 0 ? rest : rest[..newline];
                if (lineBytes + piece.Length <= limits.MaxLineBytes)
                {
                    line.Write(piece.Span);
                }

                lineBytes += piece.Length;
                if (newline < 0)
                {
                    break;
                }

                rest = rest[(newline + 1)..];
                lineNumber++;
                if (FinishLine(line, lineBytes, lineNumber, limits) is { } parsed)
                {
                    yield return parsed;
                }

                line.ResetWrittenCount();
                lineBytes = 0;
            }
        }

        if (lineBytes > 0 && FinishLine(line, lineBytes, lineNumber + 1, limits) is { } last)
        {
            yield return last;
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
            if (callEvent is null)
            {
                return Failure(lineNumber, null, "expected a JSON object (one call event), found null");
            }

            return CallEventRules.Check(callEvent) is { } problem
                ? Failure(lineNumber, null, problem)
                : new ParsedCallEvent(lineNumber, callEvent, null);
        }
        catch (JsonException exception)
        {
            return Failure(lineNumber, JsonText.Column(exception), Diagnose(line, exception));
        }
    }

    private static ParsedCallEvent? FinishLine(ArrayBufferWriter<byte> line, long lineBytes, int lineNumber, CallEventLimits limits)
    {
        if (lineBytes > limits.MaxLineBytes)
        {
            return Failure(lineNumber, null, $"the line is {lineBytes} bytes, over the limit of {limits.MaxLineBytes} bytes (--max-line-bytes); it was skipped");
        }

        var bytes = line.WrittenSpan;
        if (lineNumber == 1 && bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        if (bytes.EndsWith("\r"u8))
        {
            bytes = bytes[..^1];
        }

        if (bytes.Trim(" \t"u8).IsEmpty)
        {
            return null;
        }

        return FirstInvalidUtf8(bytes) is { } offset
            ? Failure(lineNumber, offset + 1, $"not valid UTF-8 (byte 0x{bytes[offset]:x2} at byte {offset + 1}); write the events as UTF-8")
            : Parse(Encoding.UTF8.GetString(bytes), lineNumber);
    }

    private static int? FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return null;
        }

        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return null;
    }

    private static ParsedCallEvent Failure(int lineNumber, int? column, string message)
    {
        var where = column is { } c ? $"line {lineNumber}, column {c}" : $"line {lineNumber}";
        return new ParsedCallEvent(lineNumber, null, $"{where}: {message}");
    }

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
            return $"not valid JSON: {JsonText.WithoutPosition(syntax.Message)}";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return $"expected a JSON object (one call event), found {JsonText.Describe(root.ValueKind)}";
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
                ? $"{field}: {JsonText.WithoutPosition(exception.Message)}"
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

    private static string Shorten(string text) =>
        text.Length <= MaxShownValueLength ? text : string.Concat(text.AsSpan(0, MaxShownValueLength), "...");
}
