using System.CommandLine;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.DataverseEmulator;

namespace TriggerPlugins.Cli.Emulator;

/// <summary>`triggers emulator`: runs the Dataverse emulator standalone until Ctrl+C.</summary>
internal static class EmulatorCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1, 0 to 65535 (0: chosen by the OS).", DefaultValueFactory = _ => DefaultPort };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                r.AddError($"--port must be between 0 and 65535 (0: any free port), not {r.GetValueOrDefault<int>()}.");
            }
        });
        var seed = new Option<FileInfo?>("--seed") { Description = "Seed file with tenants, users and contacts (default: the bundled samples/emulator/seed.json)." };
        var latency = new Option<int>("--latency-ms") { Description = "Latency added to every Web API request, in milliseconds (0 to 60000)." };
        latency.Validators.Add(r => Range(r, "--latency-ms", r.GetValueOrDefault<int>(), 0, 60_000));
        var throttle = Rate("--throttle-rate", "Fraction (0..1) of Web API requests answered 429 with Retry-After.");
        var errors = Rate("--error-rate", "Fraction (0..1) of Web API requests answered 503.");
        var drops = Rate("--drop-rate", "Fraction (0..1) of Web API requests whose connection is dropped.");
        var verbose = CommonOptions.Verbose();

        var command = new Command("emulator", "Run the local Dynamics 365 (Dataverse Web API + Azure AD token) emulator on 127.0.0.1 until Ctrl+C.")
        {
            port, seed, latency, throttle, errors, drops, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var seedFile = parse.GetValue(seed)?.FullName ?? SamplePaths.EmulatorSeed;
            if (!File.Exists(seedFile))
            {
                await Console.Error.WriteLineAsync($"error: seed file '{seedFile}' does not exist.");
                return ExitCodes.UsageError;
            }

            using var loggerFactory = CliLogging.Create(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information);
            var options = new EmulatorOptions
            {
                Port = parse.GetValue(port),
                SeedFile = seedFile,
                Faults = new EmulatorFaults
                {
                    Latency = TimeSpan.FromMilliseconds(parse.GetValue(latency)),
                    TooManyRequestsRate = parse.GetValue(throttle),
                    ServerErrorRate = parse.GetValue(errors),
                    DropConnectionRate = parse.GetValue(drops),
                },
            };

            // Ctrl+C (SIGINT) and SIGTERM stop the emulator; the handlers keep the runtime from killing the process first.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            DataverseEmulator.DataverseEmulator emulator;
            try
            {
                emulator = await DataverseEmulator.DataverseEmulator.StartAsync(options, loggerFactory, stop.Token);
            }
            catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await Console.Error.WriteLineAsync($"error: port {options.Port} on 127.0.0.1 is already in use (another `triggers emulator`?); stop it, or pass --port <free port> (--port 0 picks one).");
                return ExitCodes.UsageError;
            }

            await using (emulator)
            {
                Console.WriteLine($"Dataverse emulator listening on {emulator.BaseUri}");
                Console.WriteLine($"Certificate thumbprint (SHA-256): {emulator.CertificateThumbprint}");
                Console.WriteLine("Its tenant lives in memory: a restart starts again from the seed, with a new certificate.");
                Console.WriteLine("Point the demo accounts at it with:");
                Console.WriteLine($"  export {DemoEnvironment.WebUrlVariable}={emulator.BaseUri}");
                Console.WriteLine($"  export {DemoEnvironment.ThumbprintVariable}={emulator.CertificateThumbprint}");
                Console.WriteLine("Press Ctrl+C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C or SIGTERM: the normal way to stop a standalone emulator.
                }
            }

            Console.WriteLine("Emulator stopped.");
            return ExitCodes.Success;

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        });
        return command;
    }

    /// <summary>The port the sample accounts' <c>TRIGGERS_EMULATOR_URL</c> examples use.</summary>
    public const int DefaultPort = 5443;

    private static Option<double> Rate(string name, string description)
    {
        var option = new Option<double>(name) { Description = description };
        option.Validators.Add(r => Range(r, name, r.GetValueOrDefault<double>(), 0, 1));
        return option;
    }

    private static void Range(System.CommandLine.Parsing.OptionResult result, string name, double value, double min, double max)
    {
        if (value < min || value > max || double.IsNaN(value))
        {
            result.AddError($"{name} must be between {min} and {max}, not {value}.");
        }
    }
}
