using System.Collections.Frozen;
using System.Text.Json;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Templates;

/// <summary>
/// Builds what a template sees: <c>call</c> (documented member by member in templates/README.md).
/// Built once per ticket and frozen: the title, description and field renders of the ticket share it, even
/// concurrently; what a template assigns to it goes to a copy private to that render (see <see cref="ModelObject"/>).
/// </summary>
internal static class CallModel
{
    /// <summary>The members of <c>call</c>, in the order the README lists them.</summary>
    public static readonly IReadOnlyList<string> CallMembers =
    [
        "id", "call_id", "kind", "direction", "status", "caller_number", "caller_name", "called_number", "customer_number",
        "customer_name", "queue", "route", "agent", "start_time", "answer_time", "end_time", "time_zone", "wait_seconds",
        "hold_seconds", "talk_seconds", "total_seconds", "recording", "disposition", "variables",
    ];

    public static readonly IReadOnlyList<string> AgentMembers = ["id", "name", "email", "extension"];

    public static ScriptObject Create(CallEvent call, TemplateOptions options)
    {
        var inbound = call.Direction == CallDirection.Inbound;
        var agent = new ModelObject("call.agent", AgentMembers.Count)
        {
            ["id"] = call.Agent?.Id,
            ["name"] = call.Agent?.Name,
            ["email"] = call.Agent?.Email,
            ["extension"] = call.Agent?.Extension,
        };

        var variables = new ModelObject("call.variables", call.Variables.Count, missingIsUnknown: false);
        foreach (var name in SortedKeys(call.Variables))
        {
            variables[name] = call.Variables[name];
        }

        var model = new ModelObject("call", CallMembers.Count)
        {
            ["id"] = call.Id,
            ["call_id"] = call.CallKey,
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
            ["route"] = call.Route,
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

        agent.IsReadOnly = true;
        variables.IsReadOnly = true;
        model.IsReadOnly = true;
        return new ScriptObject(1) { ["call"] = model, IsReadOnly = true };
    }

    private static DateTimeOffset InZone(DateTimeOffset time, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(time, zone);

    /// <summary>Seconds the caller waited before an answer (or before giving up), when known.</summary>
    private static int? WaitSeconds(CallEvent call)
    {
        var until = call.AnswerTime ?? call.EndTime;
        return until is { } time ? (int)Math.Max(0, Math.Round((time - call.StartTime).TotalSeconds)) : null;
    }

    /// <summary>Variables in ordinal order, so <c>for</c> over them gives the same text whatever order the event had.</summary>
    private static string[] SortedKeys(IReadOnlyDictionary<string, string> variables)
    {
        if (variables.Count == 0)
        {
            return [];
        }

        var keys = new string[variables.Count];
        var index = 0;
        foreach (var (name, _) in variables)
        {
            keys[index++] = name;
        }

        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }

    /// <summary>The JSON (kebab-case) name of a contract enum value, as call events spell it.</summary>
    private static string Kebab<T>(T value) where T : struct, Enum => KebabNames<T>.Names[value];

    /// <summary>Each value's JSON name, serialised once (the contract's attributes stay the only spelling).</summary>
    private static class KebabNames<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> Names =
            Enum.GetValues<T>().ToFrozenDictionary(value => value, value => JsonSerializer.Serialize(value).Trim('"'));
    }
}

/// <summary>
/// An object of the model. A missing member renders as empty text, except in strict validation, where it is
/// reported (a typo such as <c>call.agnet</c> would otherwise silently render nothing).
/// </summary>
/// <remarks>
/// The model is shared, frozen, by every render of a ticket. A template may still assign a member
/// (<c>call.id = "x"</c>): the first write makes a copy of the object that only the current render sees
/// (kept by its <see cref="CallTemplateContext"/>), and reads of that render go to the copy from then on.
/// </remarks>
internal sealed class ModelObject : ScriptObject
{
    private readonly string _path;
    private readonly bool _missingIsUnknown;
    private readonly bool _isRenderCopy;

    /// <param name="path">How templates name the object, for strict validation's messages.</param>
    /// <param name="capacity">Number of members.</param>
    /// <param name="missingIsUnknown">
    /// Whether strict validation reports a member the object lacks; not for <c>call.variables</c>, whose
    /// members vary from call to call.
    /// </param>
    public ModelObject(string path, int capacity, bool missingIsUnknown = true)
        : this(path, capacity, missingIsUnknown, isRenderCopy: false)
    {
    }

    // No auto-import: ScriptObject would otherwise reflect over this type's statics on every construction.
    private ModelObject(string path, int capacity, bool missingIsUnknown, bool isRenderCopy)
        : base(capacity, autoImportStaticsFromThisType: false)
    {
        _path = path;
        _missingIsUnknown = missingIsUnknown;
        _isRenderCopy = isRenderCopy;
    }

    public override bool TryGetValue(TemplateContext? context, SourceSpan span, string member, out object? value)
    {
        var callContext = context as CallTemplateContext;
        if (!_isRenderCopy && callContext?.FindModelCopy(this) is { } copy)
        {
            return copy.TryGetValue(context, span, member, out value);
        }

        if (_missingIsUnknown && context is { StrictVariables: true } && !ContainsKey(member))
        {
            if (callContext?.UnknownMembers is { } unknown)
            {
                unknown.Add((span, $"`{_path}` has no member `{member}`"));
                value = null;
                return true; // renders as empty text, as in production, and the check goes on

            }

            throw new UnknownVariableException(span, $"`{_path}` has no member `{member}`");
        }

        var found = base.TryGetValue(context, span, member, out value);
        if (value is ModelObject child && callContext?.FindModelCopy(child) is { } childCopy)
        {
            value = childCopy;
        }

        return found;
    }

    public override bool TrySetValue(TemplateContext? context, SourceSpan span, string member, object? value, bool readOnly)
        => !_isRenderCopy && context is CallTemplateContext callContext
            ? callContext.GetOrAddModelCopy(this).TrySetValue(context, span, member, value, readOnly)
            : base.TrySetValue(context, span, member, value, readOnly);

    /// <summary>A writable copy of this (shared) object for one render.</summary>
    public ModelObject CopyForRender()
    {
        var copy = new ModelObject(_path, Count, _missingIsUnknown, isRenderCopy: true);
        foreach (var (member, value) in this)
        {
            copy[member] = value;
        }

        return copy;
    }
}

/// <summary>A template names a variable or member the model does not have (reported by strict validation).</summary>
internal sealed class UnknownVariableException(SourceSpan span, string message) : ScriptRuntimeException(span, message);
