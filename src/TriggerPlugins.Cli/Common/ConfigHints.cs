using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Configuration;

namespace TriggerPlugins.Cli.Common;

/// <summary>What the commands add to configuration problems so they say the fix, not only the cause.</summary>
internal static class ConfigHints
{
    /// <summary>True when the folder itself is wrong (not a config folder, a missing sub-folder, no triggers): exit 2 everywhere.</summary>
    public static bool HasLayoutErrors(TriggerConfiguration configuration) =>
        configuration.Problems.Any(p => p.Severity == ValidationSeverity.Error && string.IsNullOrEmpty(p.Field)
            && (p.Source.EndsWith('/') || p.Message.StartsWith("not a config folder", StringComparison.Ordinal) || p.Message == "config folder not found"));

    /// <summary>When problems come from the emulator's variables being unset, the one line that says how to set them; else null.</summary>
    public static string? EmulatorVariables(IEnumerable<ValidationProblem> problems) =>
        problems.Any(p => p.Message.Contains(DemoEnvironment.WebUrlVariable, StringComparison.Ordinal) || p.Message.Contains(DemoEnvironment.ThumbprintVariable, StringComparison.Ordinal))
            ? $"hint: the sample accounts read the emulator's address and certificate from {DemoEnvironment.WebUrlVariable} and {DemoEnvironment.ThumbprintVariable}: start `triggers emulator` and run the two export lines it prints (or try everything at once with `triggers demo`)."
            : null;

    /// <summary>Prints the emulator hint, if it applies.</summary>
    public static void PrintEmulatorHint(IEnumerable<ValidationProblem> problems, TextWriter writer)
    {
        if (EmulatorVariables(problems) is { } hint)
        {
            writer.WriteLine(hint);
        }
    }

    /// <summary>"known: a, b" (or "there are none") for an unknown name.</summary>
    public static string Known(IEnumerable<string> names, string kind)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? $"no {kind} loaded without errors" : $"known {kind}: {string.Join(", ", list)}";
    }
}
