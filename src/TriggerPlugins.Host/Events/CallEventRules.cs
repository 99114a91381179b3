using System.Text;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Events;

/// <summary>
/// What a parsed call event must also satisfy: an id that can tell two calls apart, text within
/// <see cref="CallEventLimits"/>, and only the documented enum values. Returns the first problem as a message
/// naming the field, or <see langword="null"/>.
/// </summary>
public static class CallEventRules
{
    /// <summary>The first problem of <paramref name="callEvent"/>, or <see langword="null"/> when it has none.</summary>
    public static string? Check(CallEvent callEvent)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        return CheckId(callEvent.Id)
            ?? CheckEnum(callEvent.Kind, "kind")
            ?? CheckEnum(callEvent.Direction, "direction")
            ?? CheckEnum(callEvent.Status, "status")
            ?? CheckText(callEvent.CallerNumber, "callerNumber")
            ?? CheckText(callEvent.CallerName, "callerName")
            ?? CheckText(callEvent.CalledNumber, "calledNumber")
            ?? CheckText(callEvent.Queue, "queue")
            ?? CheckText(callEvent.Agent?.Id, "agent.id")
            ?? CheckText(callEvent.Agent?.Name, "agent.name")
            ?? CheckText(callEvent.Agent?.Email, "agent.email")
            ?? CheckText(callEvent.Agent?.Extension, "agent.extension")
            ?? CheckText(callEvent.RecordingReference, "recordingReference")
            ?? CheckText(callEvent.Disposition, "disposition")
            ?? CheckVariables(callEvent.Variables);
    }

    private static string? CheckId(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return "id: must not be empty; every call event needs its own id (two events with one id are one event)";
        }

        if (id.Length > CallEventLimits.MaxIdLength)
        {
            return $"id: is {id.Length} characters, over the limit of {CallEventLimits.MaxIdLength}";
        }

        foreach (var c in id)
        {
            if (char.IsControl(c) || c == '\uFFFD')
            {
                return $"id: contains {(c == '\uFFFD' ? "U+FFFD (a byte that was not valid UTF-8)" : $"the control character U+{(int)c:X4}")}; use printable characters";
            }
        }

        return HasLoneSurrogate(id) ? "id: contains a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair); use valid Unicode" : null;
    }

    private static string? CheckEnum<TEnum>(TEnum value, string field) where TEnum : struct, Enum =>
        Enum.IsDefined(value) ? null : $"{field}: is not one of: {string.Join(", ", ContractEnumNames.Names<TEnum>())}";

    private static string? CheckText(string? value, string field) =>
        value is { Length: > CallEventLimits.MaxTextLength }
            ? $"{field}: is {value.Length} characters, over the limit of {CallEventLimits.MaxTextLength}"
            : null;

    private static string? CheckVariables(IReadOnlyDictionary<string, string>? variables)
    {
        if (variables is null)
        {
            return null;
        }

        if (variables.Count > CallEventLimits.MaxVariables)
        {
            return $"variables: has {variables.Count} entries, over the limit of {CallEventLimits.MaxVariables}";
        }

        foreach (var (name, value) in variables)
        {
            if (name.Length is 0 or > CallEventLimits.MaxVariableNameLength)
            {
                return $"variables: the name '{Shorten(name)}' must be 1 to {CallEventLimits.MaxVariableNameLength} characters";
            }

            if (CheckText(value, $"variables.{Shorten(name)}") is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static bool HasLoneSurrogate(string text)
    {
        var span = text.AsSpan();
        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return true;
            }

            span = span[consumed..];
        }

        return false;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
}
