using System.Globalization;
using Microsoft.Extensions.Logging;
using TriggerPlugins.DataverseEmulator;

// The emulator as a process: prints where it listens and how to trust it, serves until Ctrl+C.
const string Usage = """
    Usage: EmulatorHost [--port N] [--seed FILE] [--token-lifetime SECONDS] [--latency MS] [--429-rate F]
                        [--retry-after SECONDS] [--5xx-rate F] [--drop-rate F] [--limit N] [--window SECONDS]
                        [--random-seed N] [--verbose]
    """;

var options = new EmulatorOptions { Faults = new EmulatorFaults() };
var verbose = false;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
        switch (args[i])
        {
            case "--port": options.Port = (int)Number(); break;
            case "--seed": options.SeedFile = Next(); break;
            case "--token-lifetime": options.TokenLifetime = TimeSpan.FromSeconds(Number()); break;
            case "--latency": options.Faults.Latency = TimeSpan.FromMilliseconds(Number()); break;
            case "--429-rate": options.Faults.TooManyRequestsRate = Number(); break;
            case "--retry-after": options.Faults.RetryAfter = TimeSpan.FromSeconds(Number()); break;
            case "--5xx-rate": options.Faults.ServerErrorRate = Number(); break;
            case "--drop-rate": options.Faults.DropConnectionRate = Number(); break;
            case "--limit": options.Faults.ServiceProtectionLimit = (int)Number(); break;
            case "--window": options.Faults.ServiceProtectionWindow = TimeSpan.FromSeconds(Number()); break;
            case "--random-seed": options.RandomSeed = (int)Number(); break;
            case "--verbose": verbose = true; break;
            case "--help" or "-h": Console.WriteLine(Usage); return 0;
            default: throw new ArgumentException($"Unknown option '{args[i]}'.");
        }
    }
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    await using var emulator = await DataverseEmulator.StartAsync(options, loggerFactory, stop.Token);
    Console.WriteLine($"weburl / authorityHost: {emulator.BaseUri}");
    Console.WriteLine($"trustedCertificateThumbprint: {emulator.CertificateThumbprint}");
    Console.WriteLine("Press Ctrl+C to stop.");
    await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    Console.WriteLine($"{emulator.Requests.Snapshot().Count} requests served.");
    return 0;
}
catch (EmulatorSeedException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
