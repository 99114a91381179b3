using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Cli.Tests;

/// <summary>
/// Runs the `triggers` command line in this process (<see cref="CliApp.RunAsync"/>), capturing standard output and
/// error: help, parse errors and validation cost milliseconds this way instead of a process start each. The console
/// and the environment variables are process-wide, so these tests run in the <see cref="InProcessCliGroup"/>,
/// which xunit runs alone, after the parallel tests. Exit codes at the process boundary, signals and long runs stay
/// in child-process tests (<see cref="TriggersProcess"/>).
/// </summary>
internal static class InProcessCli
{
    // Serialises runs even if a test forgets the collection: the console cannot be shared.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <param name="arguments">The command line; relative paths are relative to the repository root, as for the child process.</param>
    /// <param name="environment">Variables to set for the run (an empty value unsets one, as for the child process); the previous values come back after.</param>
    public static async Task<ProcessResult> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        await OneAtATime.WaitAsync();
        var (output, error, input) = (Console.Out, Console.Error, Console.In);
        var directory = Environment.CurrentDirectory;
        var previous = new Dictionary<string, string?>();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        try
        {
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                previous[name] = Environment.GetEnvironmentVariable(name);
                Environment.SetEnvironmentVariable(name, value);
            }

            Environment.CurrentDirectory = RepositoryRoot.Path;
            Console.SetOut(stdout);
            Console.SetError(stderr);
            Console.SetIn(new StringReader(string.Empty));
            var exitCode = await CliApp.RunAsync([.. arguments]);
            return new ProcessResult(exitCode, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
            Console.SetIn(input);
            Environment.CurrentDirectory = directory;
            foreach (var (name, value) in previous)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            OneAtATime.Release();
        }
    }
}

/// <summary>The tests that swap the console and environment: run alone, never beside another test.</summary>
[CollectionDefinition(nameof(InProcessCliGroup), DisableParallelization = true)]
public sealed class InProcessCliGroup;
