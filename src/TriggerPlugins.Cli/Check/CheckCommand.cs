using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.Host.Configuration;

namespace TriggerPlugins.Cli.Check;

/// <summary>`triggers check`: acquires a token with an account and makes one harmless call (WhoAmI for Dynamics 365).</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var plugins = CommonOptions.Plugins();
        var account = new Option<string>("--account") { Description = "The account to check (file name in accounts/, without .json).", Required = true };
        var verbose = CommonOptions.Verbose();
        var command = new Command("check", "Check an account: authenticate and call the service (Dynamics 365: WhoAmI). Exit 1 when it fails.")
        {
            config, plugins, account, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggerFactory = CliLogging.Create(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Error);
            await using var session = HostSession.Open(CommonOptions.PluginsPath(parse.GetValue(plugins)), parse.GetValue(config)!.FullName, loggerFactory);
            var name = parse.GetValue(account)!;
            if (!session.Configuration.Accounts.TryGetValue(name, out var accountFile))
            {
                var own = session.Configuration.Problems.Where(p => p.Source == $"{ConfigurationLoader.AccountsFolder}/{name}.json").ToList();
                ProblemPrinter.Print(own, Console.Error);
                ConfigHints.PrintEmulatorHint(own, Console.Error);
                await Console.Error.WriteLineAsync(own.Count > 0
                    ? $"error: account '{name}' has errors (see above); fix them, then check again."
                    : $"error: no account '{name}' in {session.Configuration.Directory}/accounts ({ConfigHints.Known(session.Configuration.Accounts.Keys, "accounts")}); pass --account with one of them.");
                return ExitCodes.UsageError;
            }

            if (!session.Plugins.TryGetAction(accountFile.Plugin, out var action) || action is not IConnectionCheck check)
            {
                await Console.Error.WriteLineAsync($"error: plugin '{accountFile.Plugin}' is not loaded or cannot check a connection.");
                return ExitCodes.UsageError;
            }

            using var empty = JsonDocument.Parse("{}");
            var settings = new ActionSettings
            {
                AccountName = accountFile.Name,
                Account = accountFile.Settings,
                AccountSource = accountFile.Source,
                ConfigurationName = "(none)",
                Configuration = empty.RootElement.Clone(),
                BaseDirectory = session.Configuration.Directory,
            };
            var result = await check.CheckConnectionAsync(settings, cancellationToken);
            if (result.Succeeded)
            {
                Console.WriteLine($"ok: {accountFile.Source}: {result.Message}");
                return ExitCodes.Success;
            }

            await Console.Error.WriteLineAsync($"failed: {accountFile.Source}: {result.Message}");
            return ExitCodes.Problems;
        });
        return command;
    }
}
