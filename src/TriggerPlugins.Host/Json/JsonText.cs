using System.Text.Json;

namespace TriggerPlugins.Host.Json;

/// <summary>
/// How the host words JSON in its messages: a value's kind as an admin says it, and the parser's messages without the
/// 0-based position text it appends (every caller reports the position itself, 1-based as editors count).
/// Public for the console (TriggerPlugins.Admin), which reports settings the same way.
/// </summary>
public static class JsonText
{
    /// <summary>A value kind as a message says it: "an object", "an array", "a string", "a number", "a boolean", "null".</summary>
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

    /// <summary>
    /// The parser's message without its " Path: $.a | LineNumber: 0 | BytePositionInLine: 7." tail: the path and the
    /// position are 0-based and repeat what the problem already carries. Ends with one full stop.
    /// </summary>
    public static string WithoutPosition(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }

        return (cut >= 0 ? message[..cut] : message).TrimEnd(' ', '|', '.') + ".";
    }

    /// <summary>The 1-based line of a parser error, if the parser knew it.</summary>
    public static int? Line(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.LineNumber is { } line ? (int)line + 1 : null;
    }

    /// <summary>The 1-based column (byte in the line) of a parser error, if the parser knew it.</summary>
    public static int? Column(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.BytePositionInLine is { } column ? (int)column + 1 : null;
    }
}
