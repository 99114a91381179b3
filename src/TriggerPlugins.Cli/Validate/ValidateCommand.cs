using System.CommandLine;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Cli.Common;

namespace TriggerPlugins.Cli.Validate;

/// <summary>`triggers validate`: loads a config folder and reports every problem, with file, field, line and column.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var plugins = CommonOptions.Plugins();
        var strict = new Option<bool>("--strict") { Description = "Treat warnings (such as unknown template variables) as errors." };
        var command = new Command("validate", "Validate accounts, configurations, templates and triggers; exit 1 when any problem is found, 2 when the folder is not a config folder.")
        {
            config, plugins, strict,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggerFactory = CliLogging.Create(LogLevel.Error);
            await using var session = HostSession.Open(CommonOptions.PluginsPath(parse.GetValue(plugins)), parse.GetValue(config)!.FullName, loggerFactory);
            ProblemPrinter.Print(session.Plugins.Failures, Console.Out);
            ProblemPrinter.Print(session.Configuration.Problems, Console.Out);
            var errors = session.Configuration.Problems.Count(p => p.Severity == ValidationSeverity.Error) + session.Plugins.Failures.Count;
            var warnings = session.Configuration.Problems.Count(p => p.Severity == ValidationSeverity.Warning);
            var configuration = session.Configuration;
            Console.WriteLine(
                $"{configuration.Triggers.Count} trigger(s), {configuration.Accounts.Count} account(s), {configuration.Configurations.Count} configuration(s): " +
                $"{errors} error(s), {warnings} warning(s).");
            ConfigHints.PrintEmulatorHint(configuration.Problems, Console.Out);
            if (ConfigHints.HasLayoutErrors(configuration))
            {
                return ExitCodes.UsageError;
            }

            var failed = errors > 0 || (parse.GetValue(strict) && warnings > 0);
            return failed ? ExitCodes.Problems : ExitCodes.Success;
        });
        return command;
    }
}
