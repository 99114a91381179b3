using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Storage.PostgreSql;
using TriggerPlugins.Host.Events;

namespace TriggerPlugins.Cli.Run;

/// <summary>
/// `triggers run`: newline-delimited call events in (a file or standard input), one result line per action out, on
/// the same intake and workers as `triggers serve`. Each event is accepted (its deliveries written to the store) as
/// soon as it is read, so a CRM outage never stops the reading; workers deliver meanwhile, and a result line is
/// printed as each delivery settles. Deliveries left pending by an earlier run (a crash, Ctrl+C) run too. Exits when
/// the input has ended and its deliveries have settled, or, with --no-wait, once every event is accepted.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var plugins = CommonOptions.Plugins();
        var data = CommonOptions.Data();
        var verbose = CommonOptions.Verbose();
        var events = new Option<FileInfo?>("--events", "-e") { Description = "A file of call events, one JSON object a line. Default: standard input." };
        var json = new Option<bool>("--json") { Description = "Write one JSON object a line instead of text." };
        var noWait = new Option<bool>("--no-wait") { Description = "Exit once every event is accepted (its deliveries queued); `triggers serve` on the same --data folder delivers them." };
        var parallel = new Option<int>("--parallel")
        {
            Description = "How many deliveries run at once, all accounts together (per-account limits still apply).",
            DefaultValueFactory = _ => 16,
        };
        parallel.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 256)
            {
                r.AddError("--parallel must be between 1 and 256.");
            }
        });

        var defaults = new DeliveryOptions();
        var baseDelay = DurationOption.Create("--retry-base-delay", "First wait before retrying a transient failure; doubles each time, with jitter", max: DeliveryOptionLimits.MaxBaseDelay, defaultValue: defaults.BaseDelay);
        var maxDelay = DurationOption.Create("--retry-max-delay", "Longest wait between two attempts (Retry-After may ask for more)", max: DeliveryOptionLimits.MaxMaxDelay, defaultValue: defaults.MaxDelay);
        var deadline = DurationOption.Create("--retry-deadline", "How long a delivery keeps being retried before it is dead-lettered", max: DeliveryOptionLimits.MaxDeadline, defaultValue: defaults.Deadline);
        var retention = DurationOption.Create("--retention", "How long a delivery that succeeded keeps the call's data", DeliveryOptionLimits.MinRetention, DeliveryOptionLimits.MaxRetention, defaults.Retention);
        var concurrency = new Option<int?>("--max-concurrency-per-account")
        {
            Description = $"Actions running at once per account (Dynamics allows {DeliveryOptionsValidator.ServiceConcurrencyLimit} per user; default {defaults.MaxConcurrencyPerAccount}).",
        };
        concurrency.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 or > DeliveryOptionsValidator.ServiceConcurrencyLimit)
            {
                r.AddError($"--max-concurrency-per-account must be between 1 and {DeliveryOptionsValidator.ServiceConcurrencyLimit}.");
            }
        });
        var maxLineBytes = new Option<int>("--max-line-bytes")
        {
            Description = $"The longest call event line, in bytes; a longer line is skipped and reported (default {CallEventLimits.DefaultMaxLineBytes}).",
            DefaultValueFactory = _ => CallEventLimits.DefaultMaxLineBytes,
        };
        maxLineBytes.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1024 or > CallEventLimits.UpperMaxLineBytes)
            {
                r.AddError($"--max-line-bytes must be between 1024 and {CallEventLimits.UpperMaxLineBytes}.");
            }
        });
        var replaceDamaged = CommonOptions.ReplaceDamagedQueue();


        var command = new Command("run", "Run call events (NDJSON) through the triggers; print one result line per action.")
        {
            config, plugins, data, events, json, noWait, parallel, baseDelay, maxDelay, deadline, retention, concurrency, maxLineBytes, replaceDamaged, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var eventsFile = parse.GetValue(events);
            if (eventsFile is { Exists: false })
            {
                await Console.Error.WriteLineAsync($"error: events file '{eventsFile.FullName}' does not exist.");
                return ExitCodes.UsageError;
            }

            using var loggerFactory = CliLogging.Create(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning, outcomesOnStandardOutput: true);
            await using var session = HostSession.Open(CommonOptions.PluginsPath(parse.GetValue(plugins)), parse.GetValue(config)!.FullName, loggerFactory);
            if (session.Configuration.HasErrors || session.Plugins.Plugins.Count == 0)
            {
                ProblemPrinter.Print(session.Plugins.Failures, Console.Error);
                ProblemPrinter.Print(session.Configuration.Problems, Console.Error);
                ConfigHints.PrintEmulatorHint(session.Configuration.Problems, Console.Error);
                await Console.Error.WriteLineAsync("error: the configuration has errors (see above); nothing was run. `triggers validate` lists them.");
                return ExitCodes.UsageError;
            }

            // Warnings (unknown template variables...) are said once at start: they do not stop the run.
            ProblemPrinter.Print(session.Configuration.Problems, Console.Error);

            var options = new DeliveryOptions();
            options.BaseDelay = parse.GetValue(baseDelay) ?? options.BaseDelay;
            options.MaxDelay = parse.GetValue(maxDelay) ?? options.MaxDelay;
            options.Deadline = parse.GetValue(deadline) ?? options.Deadline;
            options.MaxConcurrencyPerAccount = parse.GetValue(concurrency) ?? options.MaxConcurrencyPerAccount;
            options.Retention = parse.GetValue(retention) ?? options.Retention;
            if (DeliveryProblems(options) is { } problems)
            {
                await Console.Error.WriteLineAsync($"error: {problems}");
                return ExitCodes.UsageError;
            }

            var dataPath = CommonOptions.DataPath(parse.GetValue(data));
            DataFolderLock folderLock;
            try
            {
                folderLock = DataFolderLock.Acquire(dataPath);
            }
            catch (DataFolderLockedException exception)
            {
                await Console.Error.WriteLineAsync($"error: {exception.Message}");
                return ExitCodes.UsageError;
            }

            using (folderLock)
            {
                await session.StartDeliveryAsync(DeliveryStores.FromEnvironment(), dataPath, options, CommonOptions.OpenMode(parse.GetValue(replaceDamaged)), cancellationToken);
                var output = new ResultWriter(parse.GetValue(json));
                var run = new RunLoop(session, options, parse.GetValue(parallel), output);
                await using var input = eventsFile is null ? Console.OpenStandardInput() : File.OpenRead(eventsFile.FullName);
                var limits = new CallEventLimits { MaxLineBytes = parse.GetValue(maxLineBytes) };
                try
                {
                    await run.RunAsync(CallEventReader.ReadAsync(input, limits, cancellationToken), wait: !parse.GetValue(noWait), cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    await Console.Error.WriteLineAsync("interrupted: accepted deliveries stay queued and resume on the next run (or in `triggers serve`).");
                    return ExitCodes.Cancelled;
                }

                output.WriteSummary();
                return output.Failures > 0 ? ExitCodes.Problems : ExitCodes.Success;
            }
        });
        return command;
    }

    private static string? DeliveryProblems(DeliveryOptions options)
    {
        var result = new DeliveryOptionsValidator().Validate(null, options);
        return result.Failed ? result.FailureMessage : null;
    }

    /// <summary>Progress on standard error for long runs, only when a person is watching it.</summary>
    internal sealed class Progress(ResultWriter output)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastReportTicks;

        public void Report()
        {
            if (Console.IsErrorRedirected)
            {
                return;
            }

            var now = _clock.ElapsedTicks;
            var last = Interlocked.Read(ref _lastReportTicks);
            if (now - last < Stopwatch.Frequency * 2 || Interlocked.CompareExchange(ref _lastReportTicks, now, last) != last)
            {
                return;
            }

            Console.Error.WriteLine($"... {output.Total} result(s), {output.Failures} failure(s), {_clock.Elapsed:mm\\:ss} elapsed");
        }
    }
}
