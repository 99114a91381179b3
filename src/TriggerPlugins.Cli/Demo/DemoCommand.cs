using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Events;

namespace TriggerPlugins.Cli.Demo;

/// <summary>
/// `triggers demo`: the whole product on one machine with no network. Starts the Dataverse emulator with the sample
/// tenant, loads the real plugin from its folder, runs the sample call events through the sample triggers and shows
/// what was created in "Dynamics" and what was skipped.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var events = new Option<FileInfo?>("--events", "-e") { Description = "Call events to run (NDJSON). Default: the bundled samples/events/calls.ndjson." };
        var config = new Option<DirectoryInfo?>("--config", "-c") { Description = "Config folder. Default: the bundled samples/config." };
        var verbose = CommonOptions.Verbose();
        var command = new Command("demo", "Run the sample call events through the sample triggers against a local Dynamics 365 emulator.")
        {
            events, config, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var eventsFile = parse.GetValue(events)?.FullName ?? SamplePaths.DemoEvents;
            var configDirectory = parse.GetValue(config)?.FullName ?? SamplePaths.DemoConfig;
            if (!File.Exists(eventsFile))
            {
                await Console.Error.WriteLineAsync($"error: --events: file '{eventsFile}' does not exist; give a file of call events, one JSON object a line (e.g. samples/events/calls.ndjson).");
                return ExitCodes.UsageError;
            }

            // The table says what failed and why; the log lines would only repeat it.
            using var loggerFactory = CliLogging.Create(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Critical);
            return await RunAsync(eventsFile, configDirectory, loggerFactory, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string eventsFile, string configDirectory, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            // Captured output (a file, a CI log) has no window: COLUMNS when set, else room for the full table.
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns >= 40 ? columns : 200;
        }

        await using var emulator = await DataverseEmulator.DataverseEmulator.StartAsync(
            new EmulatorOptions { SeedFile = SamplePaths.EmulatorSeed }, loggerFactory, cancellationToken);
        console.MarkupLineInterpolated($"[grey]Dynamics 365 emulator on {emulator.BaseUri} (tenant 'contoso', seeded agents and contacts)[/]");

        // The sample accounts read the emulator's address and certificate from these (see samples/config/accounts).
        Environment.SetEnvironmentVariable(DemoEnvironment.WebUrlVariable, emulator.BaseUri.ToString());
        Environment.SetEnvironmentVariable(DemoEnvironment.ThumbprintVariable, emulator.CertificateThumbprint);

        await using var session = HostSession.Open(SamplePaths.Plugins, configDirectory, loggerFactory);
        if (session.Configuration.HasErrors || session.Plugins.Plugins.Count == 0)
        {
            ProblemPrinter.Print(session.Plugins.Failures, Console.Error);
            ProblemPrinter.Print(session.Configuration.Problems, Console.Error);
            return ExitCodes.UsageError;
        }

        foreach (var plugin in session.Plugins.Plugins)
        {
            console.MarkupLineInterpolated($"[grey]Loaded plugin '{plugin.Manifest.DisplayName}' {plugin.Manifest.Version} from {plugin.Directory}[/]");
        }

        var dataDirectory = Path.Combine(Path.GetTempPath(), $"triggers-demo-{Guid.NewGuid():N}");
        try
        {
            // The demo's queue is its own SQLite file, whatever TRIGGERS_STORE says.
            await session.StartDeliveryAsync(storeSetting: null, dataDirectory, new DeliveryOptions(), DeliveryStoreOpenMode.CreateIfMissing, cancellationToken);
            var rows = await DispatchAllAsync(session.Dispatcher!, eventsFile, cancellationToken);
            console.Write(DemoTable.Build(rows.Select(r => Describe(r, emulator.Store)).ToList(), console.Profile.Width));
            // One ticket per call: several events (and triggers) of a call share their ticket.
            var tickets = rows.Where(r => r.Result?.Succeeded == true).Select(r => r.Result!.Delivery.ExternalId).Distinct().Count();
            var phoneCalls = emulator.Store.Count("phonecalls");
            var webApiRequests = emulator.Requests.Snapshot().Count(r => r.Path.StartsWith("/api/data/", StringComparison.Ordinal));
            console.MarkupLineInterpolated(
                $"{rows.Select(r => r.Line).Distinct().Count()} call event(s): [green]{tickets} ticket(s), {phoneCalls} phone call(s) logged[/], {rows.Count(r => r.Result is null)} skipped, {rows.Count(r => r.Result is { Succeeded: false })} failed. {webApiRequests} Web API request(s).");
            return rows.Any(r => r.Result is { Succeeded: false } || r.Error is not null) ? ExitCodes.Problems : ExitCodes.Success;
        }
        finally
        {
            // The queue is the demo's own: nothing to resume next time.
            await session.CloseStoreAsync();
            TryDelete(dataDirectory);
        }
    }

    private static async Task<List<DemoRow>> DispatchAllAsync(DispatchService dispatcher, string eventsFile, CancellationToken cancellationToken)
    {
        var rows = new List<DemoRow>();
        using var reader = new StreamReader(eventsFile);
        await foreach (var parsed in CallEventReader.ReadAsync(reader, cancellationToken))
        {
            if (parsed.Event is not { } call)
            {
                rows.Add(new DemoRow(parsed.LineNumber, null, null, parsed.Error));
                continue;
            }

            var results = await dispatcher.DispatchAsync(call, cancellationToken);
            if (results.Count == 0)
            {
                rows.Add(new DemoRow(parsed.LineNumber, call, null, null));
            }

            rows.AddRange(results.Select(r => new DemoRow(parsed.LineNumber, call, r, null)));
        }

        return rows;
    }

    private static DemoTable.Row Describe(DemoRow row, EmulatorStore store)
    {
        var call = row.Call is { } c
            ? $"{c.Id} {c.Direction.ToString().ToLowerInvariant()} {c.Status.ToString().ToLowerInvariant()} ({TriggerPlugins.Host.Events.ContractEnumNames.NameOf(c.Kind)})\n{(c.Direction == TriggerPlugins.Abstractions.CallDirection.Outbound ? c.CalledNumber : c.CallerNumber)}"
            : $"line {row.Line}";
        if (row.Error is not null)
        {
            return new DemoTable.Row(call, "-", "[red]invalid[/]", "-", "-", "-", row.Error);
        }

        if (row.Result is not { } result)
        {
            return new DemoTable.Row(call, "-", "[grey]skipped[/]", "-", "-", "-", "no trigger matched this call");
        }

        var delivery = result.Delivery;
        if (!result.Succeeded)
        {
            return new DemoTable.Row(call, delivery.TriggerName, "[red]failed[/]", "-", "-", "-", delivery.LastError ?? string.Empty);
        }

        var incident = store.Records("incidents").FirstOrDefault(r => Id(r, "incidentid") == delivery.ExternalId);
        return new DemoTable.Row(
            call,
            delivery.TriggerName,
            $"[green]{Markup.Escape(delivery.Number ?? delivery.ExternalId ?? string.Empty)}[/]",
            incident?["title"]?.GetValue<string>() ?? string.Empty,
            Lookup(store, "contacts", "contactid", incident, "_customerid_value"),
            Lookup(store, "systemusers", "systemuserid", incident, "_ownerid_value"),
            string.Join("\n", delivery.Notes));
    }

    private static string Lookup(EmulatorStore store, string entitySet, string key, JsonObject? incident, string lookup)
    {
        var id = incident is null ? null : Id(incident, lookup);
        var record = id is null ? null : store.Records(entitySet).FirstOrDefault(r => Id(r, key) == id);
        return record?["fullname"]?.GetValue<string>() ?? id ?? "-";
    }

    private static string? Id(JsonObject record, string name) => record[name]?.ToString();

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless; the OS cleans it.
        }
    }

    private sealed record DemoRow(int Line, TriggerPlugins.Abstractions.CallEvent? Call, DeliveryResult? Result, string? Error);
}
