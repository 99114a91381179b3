using System.Text.Json;
using System.Text.Json.Nodes;
using TriggerPlugins.Host.Json;

namespace TriggerPlugins.Host.Configuration;

/// <summary>
/// Replaces account string values of the form <c>"env:NAME"</c> with the environment variable NAME, so secrets
/// need not sit in files. A missing or empty variable is a problem naming the file and the field (never the value).
/// </summary>
internal static class EnvironmentReferences
{
    public const string Prefix = "env:";

    public static JsonElement Resolve(JsonElement account, Func<string, string?> environment, string source, ProblemCollector problems)
    {
        var node = JsonNode.Parse(account.GetRawText())!;
        if (!ResolveIn(node, string.Empty, environment, source, problems))
        {
            return account;
        }

        return JsonSerializer.SerializeToElement(node);
    }

    // Returns true when something was replaced.
    private static bool ResolveIn(JsonNode node, string path, Func<string, string?> environment, string source, ProblemCollector problems)
    {
        var changed = false;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    var field = JsonPath.Property(path, name);
                    if (TryReplace(child, field, environment, source, problems) is { } replacement)
                    {
                        obj[name] = replacement;
                        changed = true;
                    }
                    else if (child is not null)
                    {
                        changed |= ResolveIn(child, field, environment, source, problems);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var field = JsonPath.Item(path, i);
                    if (TryReplace(array[i], field, environment, source, problems) is { } replacement)
                    {
                        array[i] = replacement;
                        changed = true;
                    }
                    else if (array[i] is { } child)
                    {
                        changed |= ResolveIn(child, field, environment, source, problems);
                    }
                }

                break;
        }

        return changed;
    }

    private static JsonValue? TryReplace(JsonNode? node, string field, Func<string, string?> environment, string source, ProblemCollector problems)
    {
        if (node is not JsonValue value || !value.TryGetValue<string>(out var text) || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var variable = text[Prefix.Length..].Trim();
        if (variable.Length == 0)
        {
            problems.Error(source, field, $"\"{Prefix}\" must be followed by an environment variable name");
            return null;
        }

        var resolved = environment(variable);
        if (string.IsNullOrEmpty(resolved))
        {
            problems.Error(source, field, $"environment variable {variable} is not set (the field reads it with \"{Prefix}{variable}\")");
            return null;
        }

        problems.AddEnvironmentValue(variable, resolved);
        return JsonValue.Create(resolved);
    }
}
