using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Cli.Common;

/// <summary>Prints load and validation problems as `file(line,column): field: message`, one a line, to standard error.</summary>
internal static class ProblemPrinter
{
    public static void Print(IEnumerable<PluginLoadFailure> failures, TextWriter writer)
    {
        foreach (var failure in failures)
        {
            writer.WriteLine($"error: plugin {failure}");
        }
    }

    public static void Print(IEnumerable<ValidationProblem> problems, TextWriter writer)
    {
        foreach (var problem in problems)
        {
            var prefix = problem.Severity == ValidationSeverity.Error ? "error: " : string.Empty;
            writer.WriteLine(prefix + problem);
        }
    }
}
