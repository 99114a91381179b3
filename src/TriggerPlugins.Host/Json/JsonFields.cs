using System.Text.Json;

namespace TriggerPlugins.Host.Json;

/// <summary>Reads the fields of a JSON object by hand, each mistake a problem at the field's path, so one run reports them all.</summary>
internal static class JsonFields
{
    /// <summary>Reports every property of <paramref name="element"/> not in <paramref name="known"/>.</summary>
    public static void RejectUnknownProperties(JsonElement element, IReadOnlyCollection<string> known, string path, string source, ProblemCollector problems)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                problems.Error(source, JsonPath.Property(path, property.Name), $"unknown property; expected one of: {string.Join(", ", known)}");
            }
        }
    }

    /// <summary>Reads a required, non-empty string property.</summary>
    public static string? RequiredString(JsonElement element, string name, string path, string source, ProblemCollector problems)
    {
        var field = JsonPath.Property(path, name);
        if (!element.TryGetProperty(name, out var value))
        {
            problems.Error(source, field, "is required");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            problems.Error(source, field, "expected a non-empty string");
            return null;
        }

        return value.GetString();
    }
}
