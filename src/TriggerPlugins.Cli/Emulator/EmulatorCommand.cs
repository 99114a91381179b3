using System.CommandLine;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.DataverseEmulator;

namespace TriggerPlugins.Cli.Emulator;

/// <summary>`triggers emulator`: runs the Dataverse emulator standalone until Ctrl+C.</summary>
internal static class EmulatorCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 (0: chosen by the OS).", DefaultValueFactory = _ => 5443 };
        var seed = new Option<FileInfo?>("--seed") { Description = "Seed file with tenants, users and contacts (default: the bundled samples/emulator/seed.json)." };
        var latency = new Option<int>("--latency-ms") { Description = "Latency added to every Web API request, in milliseconds." };
        var throttle = new Option<double>("--throttle-rate") { Description = "Fraction (0..1) of Web API requests answered 429 with Retry-After." };
        var errors = new Option<double>("--error-rate") { Description = "Fraction (0..1) of Web API requests answered 503." };
        var drops = new Option<double>("--drop-rate") { Description = "Fraction (0..1) of Web API requests whose connection is dropped." };
        var verbose = new Option<bool>("--verbose") { Description = "Log every request." };

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
            await using var emulator = await DataverseEmulator.DataverseEmulator.StartAsync(options, loggerFactory, cancellationToken);
            Console.WriteLine($"Dataverse emulator listening on {emulator.BaseUri}");
            Console.WriteLine($"Certificate thumbprint (SHA-256): {emulator.CertificateThumbprint}");
            Console.WriteLine("Point the demo accounts at it with:");
            Console.WriteLine($"  export {DemoEnvironment.WebUrlVariable}={emulator.BaseUri}");
            Console.WriteLine($"  export {DemoEnvironment.ThumbprintVariable}={emulator.CertificateThumbprint}");
            Console.WriteLine("Press Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the normal way to stop a standalone emulator.
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
