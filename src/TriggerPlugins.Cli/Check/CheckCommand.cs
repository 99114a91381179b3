using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.Host.Configuration;

namespace TriggerPlugins.Cli.Check;

/// <summary>
/// `triggers check`: acquires a token with an account and makes one harmless call (WhoAmI for Dynamics 365); with
/// <c>--configuration</c>, or else for every configuration a trigger uses with the account, the plugin also checks
/// the configuration against the service (Dynamics 365: the mapped ticket columns against the tenant's metadata).
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var plugins = CommonOptions.Plugins();
        var account = new Option<string>("--account") { Description = "The account to check (file name in accounts/, without .json).", Required = true };
        var configuration = new Option<string?>("--configuration")
        {
            Description = "Check this configuration with the account (Dynamics 365: its ticket columns against the tenant's metadata). Default: every configuration a trigger uses with the account.",
        };
        var verbose = CommonOptions.Verbose();
        var command = new Command("check", "Check an account: authenticate and call the service (Dynamics 365: WhoAmI), and the configurations used with it (Dynamics 365: the ticket columns exist). Exit 1 when it fails.")
        {
            config, plugins, account, configuration, verbose,
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

            var loaded = session.Configuration;
            var configurationName = parse.GetValue(configuration);
            if (configurationName is not null && !loaded.Configurations.ContainsKey(configurationName))
            {
                await Console.Error.WriteLineAsync($"error: no valid configuration '{configurationName}' in {loaded.Directory}/configurations ({ConfigHints.Known(loaded.Configurations.Keys, "configurations")}); pass --configuration with one of them.");
                return ExitCodes.UsageError;
            }

            var names = configurationName is not null
                ? [configurationName]
                : loaded.Triggers.SelectMany(t => t.Actions).Where(a => a.Account == name && loaded.Configurations.ContainsKey(a.Configuration))
                    .Select(a => a.Configuration).Distinct().Order(StringComparer.Ordinal).ToList();
            using var empty = JsonDocument.Parse("{}");
            // The account alone first, then each configuration with it; a configuration's check repeats the
            // account's lines (sign-in, WhoAmI): each line is printed once, under the first check that gave it.
            var runs = new List<ActionSettings>
            {
                new()
                {
                    AccountName = accountFile.Name,
                    Account = accountFile.Settings,
                    AccountSource = accountFile.Source,
                    ConfigurationName = "(none)",
                    Configuration = empty.RootElement.Clone(),
                    BaseDirectory = loaded.Directory,
                },
            };
            runs.AddRange(names.Select(n => loaded.TryGetSettings(name, n, out var settings) ? settings : throw new InvalidOperationException($"configuration {n} vanished")));

            var printed = new HashSet<string>(StringComparer.Ordinal);
            var failed = false;
            foreach (var settings in runs)
            {
                var result = await check.CheckConnectionAsync(settings, cancellationToken);
                failed |= !result.Succeeded;
                var source = settings.ConfigurationSource is { } used ? $"{accountFile.Source} + {used}" : accountFile.Source;
                foreach (var line in result.Message.Split(Environment.NewLine).Where(printed.Add))
                {
                    if (result.Succeeded)
                    {
                        Console.WriteLine($"ok: {source}: {line}");
                    }
                    else
                    {
                        await Console.Error.WriteLineAsync($"failed: {source}: {line}");
                    }
                }

                if (!result.Succeeded && settings.ConfigurationSource is null)
                {
                    break; // the account itself fails: its configurations cannot be checked
                }
            }

            return failed ? ExitCodes.Problems : ExitCodes.Success;
        });
        return command;
    }
}
