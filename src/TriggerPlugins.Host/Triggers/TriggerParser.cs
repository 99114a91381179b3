using System.Text.Json;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Host.Json;

namespace TriggerPlugins.Host.Triggers;

/// <summary>Reads one trigger file, reporting every problem in it.</summary>
internal static class TriggerParser
{
    private static readonly string[] TriggerProperties = ["name", "description", "enabled", "on", "match", "conditions", "actions"];
    private static readonly string[] ActionProperties = ["plugin", "account", "configuration"];

    /// <summary>Parses what it can; <c>Valid</c> is false when any error was found (the trigger must not run).</summary>
    public static (TriggerDefinition Trigger, bool Valid) Parse(string name, JsonElement root, string source, ProblemCollector problems)
    {
        var errorsBefore = problems.ErrorCount;
        JsonFields.RejectUnknownProperties(root, TriggerProperties, string.Empty, source, problems);
        CheckName(name, root, source, problems);
        CheckDescription(root, source, problems);
        var enabled = ReadEnabled(root, source, problems);
        var on = ReadKinds(root, source, problems);
        var match = ReadMatch(root, source, problems);
        var conditions = ReadConditions(root, source, problems);
        var actions = ReadActions(root, source, problems);
        return (new TriggerDefinition(name, source, enabled, on, match, conditions, actions), problems.ErrorCount == errorsBefore);
    }

    private static void CheckName(string name, JsonElement root, string source, ProblemCollector problems)
    {
        if (root.TryGetProperty("name", out var value) && !(value.ValueKind == JsonValueKind.String && value.GetString() == name))
        {
            problems.Error(source, "name", $"a trigger's name is its file name ('{name}'): remove 'name' or make it \"{name}\"");
        }
    }

    private static void CheckDescription(JsonElement root, string source, ProblemCollector problems)
    {
        if (root.TryGetProperty("description", out var value) && value.ValueKind != JsonValueKind.String)
        {
            problems.Error(source, "description", "expected a string");
        }
    }

    private static bool ReadEnabled(JsonElement root, string source, ProblemCollector problems)
    {
        if (!root.TryGetProperty("enabled", out var value))
        {
            return true;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        problems.Error(source, "enabled", "expected true or false");
        return false;
    }

    private static HashSet<CallEventKind> ReadKinds(JsonElement root, string source, ProblemCollector problems)
    {
        var kinds = new HashSet<CallEventKind>();
        var allowed = string.Join(", ", ContractEnumNames.Names<CallEventKind>());
        if (!root.TryGetProperty("on", out var value))
        {
            problems.Error(source, "on", $"is required: the event kinds the trigger fires on, among: {allowed}");
            return kinds;
        }

        var items = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : new[] { value };
        if (items.Length == 0)
        {
            problems.Error(source, "on", $"expected at least one event kind among: {allowed}");
        }

        for (var i = 0; i < items.Length; i++)
        {
            var field = value.ValueKind == JsonValueKind.Array ? JsonPath.Item("on", i) : "on";
            if (items[i].ValueKind == JsonValueKind.String && ContractEnumNames.TryParse<CallEventKind>(items[i].GetString()!, out var kind))
            {
                kinds.Add(kind);
            }
            else
            {
                problems.Error(source, field, $"unknown event kind {items[i].GetRawText()}; expected one of: {allowed}");
            }
        }

        return kinds;
    }

    private static TriggerMatch ReadMatch(JsonElement root, string source, ProblemCollector problems)
    {
        if (!root.TryGetProperty("match", out var value))
        {
            return TriggerMatch.All;
        }

        switch (value.ValueKind == JsonValueKind.String ? value.GetString() : null)
        {
            case "all":
                return TriggerMatch.All;
            case "any":
                return TriggerMatch.Any;
            default:
                problems.Error(source, "match", "expected \"all\" or \"any\"");
                return TriggerMatch.All;
        }
    }

    private static List<Condition> ReadConditions(JsonElement root, string source, ProblemCollector problems)
    {
        var conditions = new List<Condition>();
        if (!root.TryGetProperty("conditions", out var value))
        {
            return conditions;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Error(source, "conditions", "expected an array of conditions");
            return conditions;
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (ConditionCompiler.Compile(item, JsonPath.Item("conditions", index), source, problems) is { } condition)
            {
                conditions.Add(condition);
            }

            index++;
        }

        return conditions;
    }

    private static List<TriggerAction> ReadActions(JsonElement root, string source, ProblemCollector problems)
    {
        var actions = new List<TriggerAction>();
        if (!root.TryGetProperty("actions", out var value) || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            problems.Error(source, "actions", "expected a non-empty array of actions ({ \"plugin\", \"account\", \"configuration\" })");
            return actions;
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var path = JsonPath.Item("actions", index++);
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Error(source, path, "expected an object with plugin, account and configuration");
                continue;
            }

            JsonFields.RejectUnknownProperties(item, ActionProperties, path, source, problems);
            var plugin = JsonFields.RequiredString(item, "plugin", path, source, problems);
            var account = JsonFields.RequiredString(item, "account", path, source, problems);
            var configuration = JsonFields.RequiredString(item, "configuration", path, source, problems);
            if (plugin is not null && account is not null && configuration is not null)
            {
                actions.Add(new TriggerAction(plugin, account, configuration));
            }
        }

        return actions;
    }
}
