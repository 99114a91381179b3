using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Host.Json;

namespace TriggerPlugins.Host.Triggers;

/// <summary>
/// Turns a condition's JSON (<c>{ "field", "operator", "value" }</c>) into a <see cref="Condition"/>, checking the
/// field × operator matrix and the value once, at load, so a mistake never waits for the first call.
/// </summary>
internal static class ConditionCompiler
{
    /// <summary>How long one regular expression may run on one value: a pathological pattern cannot stall the engine.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    private const string VariablesPrefix = "variables.";
    private static readonly string[] ConditionProperties = ["field", "operator", "value"];
    private static readonly string[] TextOperators = [Operators.Is, Operators.IsNot, Operators.In, Operators.NotIn, Operators.StartsWith, Operators.Matches];
    private static readonly string[] ChoiceOperators = [Operators.Is, Operators.IsNot, Operators.In, Operators.NotIn];
    private static readonly string[] BooleanOperators = [Operators.Is, Operators.IsNot];

    private static readonly FrozenDictionary<string, FieldDefinition> Fields = new FieldDefinition[]
    {
        new("queue", FieldKind.Text, e => [e.Queue]),
        // Motion's "Outbound route" condition (contract 1.1).
        new("route", FieldKind.Text, e => [e.Route]),
        new("status", FieldKind.Status, null),
        new("outbound", FieldKind.Boolean, null),
        new("callerNumber", FieldKind.Text, e => [e.CallerNumber]),
        new("calledNumber", FieldKind.Text, e => [e.CalledNumber]),
        // Agents are known by email in integrations and by id in the contact center: either one matches.
        new("agent", FieldKind.Text, e => [e.Agent?.Email, e.Agent?.Id]),
        new("disposition", FieldKind.Text, e => [e.Disposition]),
    }.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The field names a condition may use, as shown in error messages.</summary>
    public static IEnumerable<string> FieldNames => Fields.Keys.Order(StringComparer.Ordinal).Append(VariablesPrefix + "<name>");

    public static Condition? Compile(JsonElement element, string path, string source, ProblemCollector problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Error(source, path, "expected an object with field, operator and value");
            return null;
        }

        JsonFields.RejectUnknownProperties(element, ConditionProperties, path, source, problems);
        var fieldName = JsonFields.RequiredString(element, "field", path, source, problems);
        var operatorName = JsonFields.RequiredString(element, "operator", path, source, problems);
        var valuePath = JsonPath.Property(path, "value");
        var hasValue = element.TryGetProperty("value", out var value);
        if (!hasValue)
        {
            problems.Error(source, valuePath, "is required");
        }

        if (fieldName is null)
        {
            return null;
        }

        var field = Resolve(fieldName);
        if (field is null)
        {
            problems.Error(source, JsonPath.Property(path, "field"), $"unknown field '{fieldName}'; expected one of: {string.Join(", ", FieldNames)}");
            return null;
        }

        if (operatorName is null)
        {
            return null;
        }

        var allowed = field.Kind switch
        {
            FieldKind.Text => TextOperators,
            FieldKind.Status => ChoiceOperators,
            _ => BooleanOperators,
        };
        if (!allowed.Contains(operatorName, StringComparer.Ordinal))
        {
            var message = TextOperators.Contains(operatorName, StringComparer.Ordinal)
                ? $"operator '{operatorName}' does not apply to field '{fieldName}'; it takes: {string.Join(", ", allowed)}"
                : $"unknown operator '{operatorName}'; expected one of: {string.Join(", ", allowed)}";
            problems.Error(source, JsonPath.Property(path, "operator"), message);
            return null;
        }

        if (!hasValue)
        {
            return null;
        }

        var context = new ValueContext(valuePath, source, problems);
        var test = field.Kind switch
        {
            FieldKind.Text => CompileText(field, operatorName, value, context),
            FieldKind.Status => CompileStatus(operatorName, value, context),
            _ => CompileOutbound(operatorName, value, context),
        };
        return test is null ? null : new Condition(fieldName, operatorName, value.GetRawText(), test);
    }

    private static FieldDefinition? Resolve(string name)
    {
        if (Fields.TryGetValue(name, out var field))
        {
            return field;
        }

        if (name.StartsWith(VariablesPrefix, StringComparison.Ordinal) && name.Length > VariablesPrefix.Length)
        {
            var variable = name[VariablesPrefix.Length..];
            return new FieldDefinition(name, FieldKind.Text, e => [e.Variables.GetValueOrDefault(variable)]);
        }

        return null;
    }

    private static Func<CallEvent, bool>? CompileText(FieldDefinition field, string operatorName, JsonElement value, ValueContext context)
    {
        Func<string, bool>? positive;
        if (operatorName is Operators.In or Operators.NotIn)
        {
            var set = StringList(value, context);
            positive = set is null ? null : set.ToFrozenSet(StringComparer.OrdinalIgnoreCase).Contains;
        }
        else if (String(value, context) is not { } text)
        {
            positive = null;
        }
        else
        {
            positive = operatorName switch
            {
                Operators.StartsWith => v => v.StartsWith(text, StringComparison.OrdinalIgnoreCase),
                Operators.Matches => CompileRegex(text, context) is { } regex ? regex.IsMatch : null,
                _ => v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase),
            };
        }

        if (positive is null)
        {
            return null;
        }

        // A negative operator holds when no value of the field satisfies its positive twin (also when the field is missing).
        var negate = operatorName is Operators.IsNot or Operators.NotIn;
        var values = field.Values!;
        return e => values(e).Any(v => v is not null && positive(v)) != negate;
    }

    private static Func<CallEvent, bool>? CompileStatus(string operatorName, JsonElement value, ValueContext context)
    {
        List<string>? names = operatorName is Operators.In or Operators.NotIn
            ? StringList(value, context)
            : String(value, context) is { } single ? [single] : null;
        if (names is null)
        {
            return null;
        }

        var statuses = new HashSet<CallStatus>();
        for (var i = 0; i < names.Count; i++)
        {
            if (ContractEnumNames.TryParse<CallStatus>(names[i], out var status))
            {
                statuses.Add(status);
            }
            else
            {
                var where = value.ValueKind == JsonValueKind.Array ? JsonPath.Item(context.Path, i) : context.Path;
                context.Problems.Error(context.Source, where, $"unknown call status '{names[i]}'; expected one of: {string.Join(", ", ContractEnumNames.Names<CallStatus>())}");
            }
        }

        if (statuses.Count != names.Count)
        {
            return null;
        }

        var negate = operatorName is Operators.IsNot or Operators.NotIn;
        return e => statuses.Contains(e.Status) != negate;
    }

    private static Func<CallEvent, bool>? CompileOutbound(string operatorName, JsonElement value, ValueContext context)
    {
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            context.Problems.Error(context.Source, context.Path, "expected true or false");
            return null;
        }

        var expected = value.GetBoolean() != (operatorName == Operators.IsNot);
        return e => (e.Direction == CallDirection.Outbound) == expected;
    }

    private static Regex? CompileRegex(string pattern, ValueContext context)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException exception)
        {
            context.Problems.Error(context.Source, context.Path, $"not a valid regular expression: {exception.Message}");
            return null;
        }
    }

    private static string? String(JsonElement value, ValueContext context)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        context.Problems.Error(context.Source, context.Path, value.ValueKind == JsonValueKind.Array
            ? "expected a string (use the operator 'in' or 'notIn' for a list)"
            : "expected a string");
        return null;
    }

    private static List<string>? StringList(JsonElement value, ValueContext context)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            context.Problems.Error(context.Source, context.Path, "expected a non-empty array of strings");
            return null;
        }

        var items = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                items.Add(item.GetString()!);
            }
            else
            {
                context.Problems.Error(context.Source, JsonPath.Item(context.Path, index), "expected a string");
            }

            index++;
        }

        return items.Count == index ? items : null;
    }

    private enum FieldKind
    {
        Text,
        Status,
        Boolean,
    }

    private sealed record FieldDefinition(string Name, FieldKind Kind, Func<CallEvent, string?[]>? Values);

    private sealed record ValueContext(string Path, string Source, ProblemCollector Problems);

    private static class Operators
    {
        public const string Is = "is";
        public const string IsNot = "isNot";
        public const string In = "in";
        public const string NotIn = "notIn";
        public const string StartsWith = "startsWith";
        public const string Matches = "matches";
    }
}
