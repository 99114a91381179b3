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
/// `intake`: the real `triggers serve` (in process: Kestrel on 127.0.0.1, SQLite with synchronous=FULL) under 32
/// concurrent HTTP clients. Prints accepted events/s and the p50/p99 latency of POST /api/v1/events, and checks that
/// every accepted event's delivery is in the store. Three intake modes, each on a fresh data folder:
/// <list type="bullet">
/// <item>one event per request, workers idle: the intake alone, after a warm-up (a service that has run for a minute
/// has its code compiled at tier 1; the first seconds of a process spend a core on the JIT). The workers hold their
/// attempts on an emulator that answers after 10 minutes, so they take no CPU;</item>
/// <item>one event per request, workers delivering: the same while the workers create tickets at full speed on the
/// in-process emulator (50 ms latency), whose CPU a real deployment does not pay;</item>
/// <item>NDJSON batches of 100, workers idle.</item>
/// </list>
/// Then delivery throughput through the workers.
/// </summary>
internal static class IntakeRunner
{
    internal const string Key = "bench-key";

    private static readonly TimeSpan IdleLatency = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(string[] args)
    {
        var events = Option(args, "--events", 40_000);
        var clients = Option(args, "--clients", 32);
        var warmup = Option(args, "--warmup", 30_000);
        var latency = TimeSpan.FromMilliseconds(Option(args, "--emulator-latency-ms", 50));
        await using var emulator = await DataverseEmulator.DataverseEmulator.StartAsync(
            new EmulatorOptions { SeedFile = Path.Combine(AppContext.BaseDirectory, "samples", "emulator", "seed.json") });
        Environment.SetEnvironmentVariable("TRIGGERS_EMULATOR_URL", emulator.BaseUri.ToString());
        Environment.SetEnvironmentVariable("TRIGGERS_EMULATOR_THUMBPRINT", emulator.CertificateThumbprint);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; {events} events per mode after {warmup} warm-up events, {clients} clients");

        var batches = OptionList(args, "--batches", [1, 100]);
        foreach (var batch in batches)
        {
            // Workers delivering: their burst fits one Dynamics budget window (5,700 requests per user per 5 minutes,
            // about 1,400 tickets), so this mode measures a quarter of the events, all inside the burst.
            foreach (var delivering in batch == 1 ? [false, true] : new[] { false })
            {
                emulator.Faults.Latency = delivering ? latency : IdleLatency;
                var data = Path.Combine(Path.GetTempPath(), $"triggers-intake-{Guid.NewGuid():N}");
                try
                {
                    await using var server = await StartAsync(data, minimumLevel: LogLevel.Error);
                    var mode = (batch == 1 ? "one event per request" : $"NDJSON batches of {batch}") + (delivering ? ", workers delivering" : ", workers idle");
                    await MeasureAsync(server, new Uri(server.App.Urls.First()), mode, delivering ? events / 4 : events, delivering ? 0 : warmup, clients, batch);
                    await server.App.StopAsync();
                }
                finally
                {
                    TryDelete(data);
                }
            }
        }

        // Delivery throughput through the workers, inside one account's burst (as the `load` runner measures it).
        if (Option(args, "--tickets", 2000) == 0)
        {
            return 0;
        }

        emulator.Faults.Latency = latency;
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

            while (await SucceededAsync(store) < tickets && clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(50);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"delivery through the workers : {tickets} tickets in {clock.Elapsed.TotalSeconds:F2} s = {tickets / clock.Elapsed.TotalSeconds:F1} tickets/s (emulator latency {latency.TotalMilliseconds} ms)"));
            await server.App.StopAsync();
        }
        finally
        {
            TryDelete(deliveryData);
        }

        return 0;
    }

    private static async Task<long> SucceededAsync(IDeliveryStore store) =>
        (await store.GetStatsAsync(default)).CountByStatus.GetValueOrDefault(DeliveryStatus.Succeeded);

    /// <summary>
    /// Starts `triggers serve` in process on a free loopback port (the store: TRIGGERS_STORE syntax; null: SQLite in
    /// <paramref name="data"/>), on the config folder <paramref name="config"/> (the samples' by default).
    /// </summary>
    internal static async Task<TriggersServer> StartAsync(string data, string? store = null, string? config = null, LogLevel minimumLevel = LogLevel.Warning)
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
            logging => logging.SetMinimumLevel(minimumLevel));
        await server.App.StartAsync();
        return server;
    }

    private static async Task MeasureAsync(TriggersServer server, Uri address, string mode, int events, int warmup, int clients, int batch)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients };
        using var http = new HttpClient(handler) { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var store = (IDeliveryStore)server.App.Services.GetService(typeof(IDeliveryStore))!;

        // Warm-up (not timed): JIT tiering, connections, the first SQLite pages; at least one request per client.
        var warm = await PostAllAsync(http, Bodies(Math.Max(warmup, clients), batch), clients);
        var before = (await store.GetStatsAsync(default)).CountByStatus.Values.Sum();
        var succeededBefore = await SucceededAsync(store);

        var bodies = Bodies(events, batch);
        var clock = Stopwatch.StartNew();
        var (latencies, failures) = await PostAllAsync(http, bodies, clients);
        var elapsed = clock.Elapsed;
        var delivered = await SucceededAsync(store) - succeededBefore;
        Array.Sort(latencies);
        var stored = (await store.GetStatsAsync(default)).CountByStatus.Values.Sum() - before;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{mode,-44}: {events} events in {elapsed.TotalSeconds:F2} s = {events / elapsed.TotalSeconds:F0} events/s accepted; request latency p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms; {failures + warm.Failures} refused; {stored} deliveries on disk; {delivered} tickets delivered meanwhile"));
    }

    private static string[] Bodies(int events, int batch) =>
        [.. Workload.Calls(new LoadOptions { Tickets = events }).Select(CallEventJson.Serialize).Chunk(batch).Select(c => string.Join('\n', c))];

    // Every client posts the next body as soon as its previous one is answered; the latency of each request, sorted
    // by the caller.
    private static async Task<(double[] Latencies, int Failures)> PostAllAsync(HttpClient http, string[] bodies, int clients)
    {
        var latencies = new double[bodies.Length];
        var next = -1;
        var failures = 0;
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
        return (latencies, failures);
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
