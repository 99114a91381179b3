using System.Text.Json;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Templates;

/// <summary>
/// Builds what a template sees: <c>call</c> (documented member by member in templates/README.md).
/// Built per render, so nothing a template assigns leaks into another render.
/// </summary>
internal static class CallModel
{
    /// <summary>The members of <c>call</c>, in the order the README lists them.</summary>
    public static readonly IReadOnlyList<string> CallMembers =
    [
        "id", "kind", "direction", "status", "caller_number", "caller_name", "called_number", "customer_number",
        "customer_name", "queue", "agent", "start_time", "answer_time", "end_time", "time_zone", "wait_seconds",
        "hold_seconds", "talk_seconds", "total_seconds", "recording", "disposition", "variables",
    ];

    public static readonly IReadOnlyList<string> AgentMembers = ["id", "name", "email", "extension"];

    public static ScriptObject Create(CallEvent call, TemplateOptions options)
    {
        var inbound = call.Direction == CallDirection.Inbound;
        var agent = new ModelObject("call.agent")
        {
            ["id"] = call.Agent?.Id,
            ["name"] = call.Agent?.Name,
            ["email"] = call.Agent?.Email,
            ["extension"] = call.Agent?.Extension,
        };

        var variables = new ScriptObject();
        foreach (var (name, value) in call.Variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            variables[name] = value;
        }

        var model = new ModelObject("call")
        {
            ["id"] = call.Id,
            ["kind"] = Kebab(call.Kind),
            ["direction"] = Kebab(call.Direction),
            ["status"] = Kebab(call.Status),
            ["caller_number"] = call.CallerNumber,
            ["caller_name"] = call.CallerName,
            ["called_number"] = call.CalledNumber,
            ["customer_number"] = inbound ? call.CallerNumber : call.CalledNumber,
            // On an outbound call the caller id name is the contact center's own line, not the customer.
            ["customer_name"] = inbound ? call.CallerName : null,
            ["queue"] = call.Queue,
            ["agent"] = agent,
            ["start_time"] = InZone(call.StartTime, options.TimeZone),
            ["answer_time"] = call.AnswerTime is { } answer ? InZone(answer, options.TimeZone) : null,
            ["end_time"] = call.EndTime is { } end ? InZone(end, options.TimeZone) : null,
            ["time_zone"] = options.TimeZone.Id,
            ["wait_seconds"] = WaitSeconds(call),
            ["hold_seconds"] = call.HoldSeconds,
            ["talk_seconds"] = call.TalkSeconds,
            ["total_seconds"] = call.TotalSeconds,
            ["recording"] = call.RecordingReference,
            ["disposition"] = call.Disposition,
            ["variables"] = variables,
        };

        return new ScriptObject { ["call"] = model };
    }

    private static DateTimeOffset InZone(DateTimeOffset time, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(time, zone);

    /// <summary>Seconds the caller waited before an answer (or before giving up), when known.</summary>
    private static int? WaitSeconds(CallEvent call)
    {
        var until = call.AnswerTime ?? call.EndTime;
        return until is { } time ? (int)Math.Max(0, Math.Round((time - call.StartTime).TotalSeconds)) : null;
    }

    /// <summary>The JSON (kebab-case) name of a contract enum value, as call events spell it.</summary>
    private static string Kebab<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value).Trim('"');
}

/// <summary>
/// A model object: a missing member renders as empty text, except in strict validation, where it is
/// reported (a typo such as <c>call.agnet</c> would otherwise silently render nothing).
/// </summary>
internal sealed class ModelObject(string path) : ScriptObject
{
    public override bool TryGetValue(TemplateContext? context, SourceSpan span, string member, out object? value)
    {
        if (context is { StrictVariables: true } && !ContainsKey(member))
        {
            throw new UnknownVariableException(span, $"`{path}` has no member `{member}`");
        }

        return base.TryGetValue(context, span, member, out value);
    }
}

/// <summary>A template names a variable or member the model does not have (reported by strict validation).</summary>
internal sealed class UnknownVariableException(SourceSpan span, string message) : ScriptRuntimeException(span, message);
