using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Benchmarks.Load;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Server;

namespace TriggerPlugins.Benchmarks.Intake;

/// <summary>
/// `intake`: the real `triggers serve` (in process: Kestrel on 127.0.0.1, SQLite with synchronous=FULL, workers
/// delivering to the emulator meanwhile) under 32 concurrent HTTP clients: one event per request, then NDJSON batches
/// of 100. Prints accepted events/s and the p50/p99 latency of POST /api/v1/events, and checks that every accepted
/// event's delivery is in the store.
/// </summary>
internal static class IntakeRunner
{
    internal const string Key = "bench-key";

    public static async Task<int> RunAsync(string[] args)
    {
        var events = Option(args, "--events", 20_000);
        var clients = Option(args, "--clients", 32);
        await using var emulator = await DataverseEmulator.DataverseEmulator.StartAsync(
            new EmulatorOptions { SeedFile = Path.Combine(AppContext.BaseDirectory, "samples", "emulator", "seed.json") });
        emulator.Faults.Latency = TimeSpan.FromMilliseconds(Option(args, "--emulator-latency-ms", 50));
        Environment.SetEnvironmentVariable("TRIGGERS_EMULATOR_URL", emulator.BaseUri.ToString());
        Environment.SetEnvironmentVariable("TRIGGERS_EMULATOR_THUMBPRINT", emulator.CertificateThumbprint);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; {events} events per mode, {clients} clients; the workers deliver meanwhile (emulator latency 50 ms)");

        foreach (var batch in OptionList(args, "--batches", [1, 100]))
        {
            var data = Path.Combine(Path.GetTempPath(), $"triggers-intake-{Guid.NewGuid():N}");
            try
            {
                await using var server = await StartAsync(data);
                await MeasureAsync(server, new Uri(server.App.Urls.First()), events, clients, batch);
                await server.App.StopAsync();
            }
            finally
            {
                TryDelete(data);
            }
        }

        // Delivery throughput through the workers, inside one account's burst (as the `load` runner measures it).
        if (Option(args, "--tickets", 2000) == 0)
        {
            return 0;
        }

        var deliveryData = Path.Combine(Path.GetTempPath(), $"triggers-intake-{Guid.NewGuid():N}");
        try
        {
            await using var server = await StartAsync(deliveryData);
            var tickets = Option(args, "--tickets", 2000);
            using var http = new HttpClient { BaseAddress = new Uri(server.App.Urls.First()) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            var store = (IDeliveryStore)server.App.Services.GetService(typeof(IDeliveryStore))!;
            var clock = Stopwatch.StartNew();
            foreach (var chunk in Workload.Calls(new LoadOptions { Tickets = tickets }).Select(CallEventJson.Serialize).Chunk(100))
            {
                await PostAsync(http, string.Join('\n', chunk));
            }

            while ((await store.GetStatsAsync(default)).CountByStatus.GetValueOrDefault(DeliveryStatus.Succeeded) < tickets && clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(50);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"delivery through the workers : {tickets} tickets in {clock.Elapsed.TotalSeconds:F2} s = {tickets / clock.Elapsed.TotalSeconds:F1} tickets/s (emulator latency 50 ms)"));
            await server.App.StopAsync();
        }
        finally
        {
            TryDelete(deliveryData);
        }

        return 0;
    }

    /// <summary>
    /// Starts `triggers serve` in process on a free loopback port (the store: TRIGGERS_STORE syntax; null: SQLite in
    /// <paramref name="data"/>), on the config folder <paramref name="config"/> (the samples' by default).
    /// </summary>
    internal static async Task<TriggersServer> StartAsync(string data, string? store = null, string? config = null)
    {
        var server = await TriggersServer.CreateAsync(
            new ServerOptions
            {
                ConfigDirectory = config ?? Path.Combine(AppContext.BaseDirectory, "samples", "config"),
                DataDirectory = data,
                PluginsDirectory = Path.Combine(AppContext.BaseDirectory, "plugins"),
                Urls = "http://127.0.0.1:0",
                EnvironmentApiKey = Key,
                Store = store,
            },
            logging => logging.SetMinimumLevel(LogLevel.Warning));
        await server.App.StartAsync();
        return server;
    }

    private static async Task MeasureAsync(TriggersServer server, Uri address, int events, int clients, int batch)
    {
        var lines = Workload.Calls(new LoadOptions { Tickets = events }).Select(CallEventJson.Serialize).ToArray();
        var bodies = lines.Chunk(batch).Select(c => string.Join('\n', c)).ToArray();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients };
        using var http = new HttpClient(handler) { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        // Warm-up: JIT, connections, the first SQLite pages.
        await Task.WhenAll(Enumerable.Range(0, clients).Select(i => PostAsync(http, CallEventJson.Serialize(Workload.Calls(new LoadOptions { Tickets = 1 }).First()))));

        var latencies = new double[bodies.Length];
        var next = -1;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length)
            {
                var start = Stopwatch.GetTimestamp();
                if (!await PostAsync(http, bodies[i]))
                {
                    Interlocked.Increment(ref failures);
                }

                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
        var elapsed = clock.Elapsed;
        Array.Sort(latencies);
        var store = (IDeliveryStore)server.App.Services.GetService(typeof(IDeliveryStore))!;
        var stored = (await store.GetStatsAsync(default)).CountByStatus.Values.Sum();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{(batch == 1 ? "one event per request" : $"NDJSON batches of {batch}"),-26}: {events} events in {elapsed.TotalSeconds:F2} s = {events / elapsed.TotalSeconds:F0} events/s accepted; request latency p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms; {failures} refused; {stored - clients} deliveries on disk"));
    }

    private static async Task<bool> PostAsync(HttpClient http, string body)
    {
        using var response = await http.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
        return response.StatusCode == System.Net.HttpStatusCode.Accepted;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static int[] OptionList(string[] args, string name, int[] fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? [.. args[index + 1].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] : fallback;
    }

    internal static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
