using System.CommandLine;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.Host.Events;

namespace TriggerPlugins.Cli.Render;

/// <summary>`triggers render`: shows the ticket a configuration would produce for a call event, with no network call.</summary>
internal static class RenderCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var plugins = CommonOptions.Plugins();
        var configuration = new Option<string>("--configuration") { Description = "The configuration to render (file name in configurations/, without .json).", Required = true };
        var account = new Option<string?>("--account") { Description = "The account to render with (default: the first account of the same plugin)." };
        var eventFile = new Option<FileInfo>("--event") { Description = "A file holding one call event (JSON).", Required = true };
        var command = new Command("render", "Show the fields and request body a configuration would send for a call event; no network call.")
        {
            config, plugins, configuration, account, eventFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(eventFile)!;
            if (!file.Exists)
            {
                await Console.Error.WriteLineAsync($"error: event file '{file.FullName}' does not exist.");
                return ExitCodes.UsageError;
            }

            var text = await File.ReadAllTextAsync(file.FullName, cancellationToken);
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (lines.Length > 1 && CallEventReader.Parse(lines[0], 1).Event is not null)
            {
                await Console.Error.WriteLineAsync($"error: --event: {file.Name} holds {lines.Length} call events, one a line; render takes one: put the event you want in a file of its own (e.g. `head -n 1 {file.Name} > call.json`).");
                return ExitCodes.UsageError;
            }

            var parsed = CallEventReader.Parse(text.ReplaceLineEndings(" "), 1);
            if (parsed.Event is not { } callEvent)
            {
                await Console.Error.WriteLineAsync($"error: {file.Name}: {parsed.Error}");
                return ExitCodes.UsageError;
            }

            using var loggerFactory = CliLogging.Create(LogLevel.Error);
            await using var session = HostSession.Open(CommonOptions.PluginsPath(parse.GetValue(plugins)), parse.GetValue(config)!.FullName, loggerFactory);
            var loaded = session.Configuration;
            var configurationName = parse.GetValue(configuration)!;
            if (!loaded.Configurations.TryGetValue(configurationName, out var configurationFile))
            {
                ProblemPrinter.Print(loaded.Problems.Where(p => p.Severity == ValidationSeverity.Error), Console.Error);
                ConfigHints.PrintEmulatorHint(loaded.Problems, Console.Error);
                await Console.Error.WriteLineAsync($"error: no valid configuration '{configurationName}' in {loaded.Directory}/configurations ({ConfigHints.Known(loaded.Configurations.Keys, "configurations")}).");
                return ExitCodes.UsageError;
            }

            var accountName = parse.GetValue(account)
                ?? loaded.Accounts.Values.Where(a => a.Plugin == configurationFile.Plugin).Select(a => a.Name).Order(StringComparer.Ordinal).FirstOrDefault();
            if (accountName is null || !loaded.TryGetSettings(accountName, configurationName, out var settings))
            {
                var accountErrors = loaded.Problems.Where(p => p.Severity == ValidationSeverity.Error && p.Source.StartsWith("accounts/", StringComparison.Ordinal)).ToList();
                ProblemPrinter.Print(accountErrors, Console.Error);
                ConfigHints.PrintEmulatorHint(accountErrors, Console.Error);
                await Console.Error.WriteLineAsync(accountName is null
                    ? $"error: no account of plugin '{configurationFile.Plugin}' loaded without errors from {loaded.Directory}/accounts; fix the errors above, then render again."
                    : $"error: no valid account '{accountName}' for plugin '{configurationFile.Plugin}' in {loaded.Directory}/accounts ({ConfigHints.Known(loaded.Accounts.Values.Where(a => a.Plugin == configurationFile.Plugin).Select(a => a.Name), "accounts")}).");
                return ExitCodes.UsageError;
            }

            if (!session.Plugins.TryGetAction(configurationFile.Plugin, out var action) || action is not IActionPreview preview)
            {
                await Console.Error.WriteLineAsync($"error: plugin '{configurationFile.Plugin}' is not loaded or cannot preview.");
                return ExitCodes.UsageError;
            }

            var report = action.Validate(settings);
            if (!report.IsValid)
            {
                ProblemPrinter.Print(report.Problems, Console.Error);
                return ExitCodes.Problems;
            }

            var request = new ActionRequest { Call = callEvent, Settings = settings, DeliveryId = $"render-{callEvent.Id}" };
            var rendered = await preview.PreviewAsync(request, cancellationToken);
            foreach (var (name, value) in rendered.Fields)
            {
                Console.WriteLine($"--- {name} ---");
                Console.WriteLine(value);
            }

            Console.WriteLine("--- request body ---");
            Console.WriteLine(rendered.RequestBody);
            return ExitCodes.Success;
        });
        return command;
    }
}
