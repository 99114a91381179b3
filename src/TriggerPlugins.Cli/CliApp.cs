using System.CommandLine;
using TriggerPlugins.Cli.Admin;
using TriggerPlugins.Cli.Check;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.Cli.Deliveries;
using TriggerPlugins.Cli.Demo;
using TriggerPlugins.Cli.Emulator;
using TriggerPlugins.Cli.Render;
using TriggerPlugins.Cli.Run;
using TriggerPlugins.Cli.Serve;
using TriggerPlugins.Cli.Validate;
using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Cli;

/// <summary>
/// The `triggers` command line: parses the arguments, runs the command and turns a user's mistake into one line and
/// an exit code. Program.cs calls it; tests call it in-process for help, parse errors and validation, which need no
/// child process.
/// </summary>
internal static class CliApp
{
    /// <summary>Runs the command line <paramref name="args"/>, writing to <see cref="Console.Out"/> and <see cref="Console.Error"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("triggers: the TriggerPlugins host. Runs call events through triggers and their plugin actions (dynamics 365 integration).")
        {
            DemoCommand.Create(),
            RunCommand.Create(),
            ServeCommand.Create(),
            ValidateCommand.Create(),
            RenderCommand.Create(),
            CheckCommand.Create(),
            DeliveriesCommand.Create(),
            EmulatorCommand.Create(),
            AdminCommand.Create(),
        };

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parseResult.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            await Console.Error.WriteLineAsync("Run 'triggers --help' (or 'triggers <command> --help') for usage.");
            return ExitCodes.UsageError;
        }

        // A user's mistake (a folder that cannot be written, a port in use, a damaged queue) is one line and exit code 2;
        // anything else is a bug, exit 1. The stack trace only with -v.
        var verbose = parseResult.Tokens.Any(t => t.Value is "-v" or "--verbose");
        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("interrupted.");
            return ExitCodes.Cancelled;
        }
        catch (Exception exception)
        {
            var userMistake = exception is DeliveryStoreException || CommandErrors.IsUserMistake(exception);
            await Console.Error.WriteLineAsync(userMistake
                ? $"error: {(exception is DeliveryStoreException ? exception.Message : CommandErrors.Describe(exception))}"
                : $"error: unexpected {exception.GetType().Name}: {exception.Message} (a bug: please report it with the output of the same command with -v)");
            if (verbose)
            {
                await Console.Error.WriteLineAsync(exception.ToString());
            }
            else if (!userMistake)
            {
                await Console.Error.WriteLineAsync("(add -v for the details)");
            }

            return userMistake ? ExitCodes.UsageError : ExitCodes.Problems;
        }
    }
}
