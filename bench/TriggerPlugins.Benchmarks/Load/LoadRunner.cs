using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TriggerPlugins.Abstractions;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Benchmarks.Load;

/// <summary>
/// Drives the real host (trigger engine, SQLite delivery queue, plugin loaded from its folder) against the Dataverse
/// emulator with added latency, and prints throughput, latency percentiles, Web API requests per ticket,
/// allocations per ticket and peak memory.
/// </summary>
internal static class LoadRunner
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        ILoggerFactory loggerFactory = NullLoggerFactory.Instance;
        await using var emulator = await DataverseEmulator.DataverseEmulator.StartAsync(
            new EmulatorOptions { SeedFile = Path.Combine(AppContext.BaseDirectory, "samples", "emulator", "seed.json") }, loggerFactory);
        await WarmUpEmulatorAsync(emulator);
        emulator.Faults.Latency = options.Latency;
        Environment.SetEnvironmentVariable("TRIGGERS_EMULATOR_URL", emulator.BaseUri.ToString());
        Environment.SetEnvironmentVariable("TRIGGERS_EMULATOR_THUMBPRINT", emulator.CertificateThumbprint);
        var data = Path.Combine(Path.GetTempPath(), $"triggers-load-{Guid.NewGuid():N}");

        try
        {
            var loadClock = Stopwatch.StartNew();
            await using var plugins = PluginCatalog.Load(Path.Combine(AppContext.BaseDirectory, "plugins"), loggerFactory);
            var pluginLoad = loadClock.Elapsed;
            var configuration = ConfigurationLoader.Load(Path.Combine(AppContext.BaseDirectory, "samples", "config"), plugins);
            var configurationLoad = loadClock.Elapsed - pluginLoad;
            if (configuration.HasErrors || plugins.Plugins.Count == 0)
            {
                Console.Error.WriteLine(string.Join('\n', plugins.Failures.Select(f => f.ToString()).Concat(configuration.Problems.Select(p => p.ToString()))));
                return 2;
            }

            using var store = await SqliteDeliveryStore.OpenAsync(data);
            using var processor = new DeliveryProcessor(store, plugins, configuration, Options.Create(new DeliveryOptions()), TimeProvider.System, loggerFactory.CreateLogger<DeliveryProcessor>());
            var dispatcher = new DispatchService(new TriggerEngine(configuration.Triggers), store, processor, TimeProvider.System, loggerFactory.CreateLogger<DispatchService>());
            var calls = Workload.CallEvents(options).ToList();

            // Plugin load: from the folder to the first ticket, as the first call after a host start sees it.
            var first = await DispatchCallAsync(dispatcher, calls[0], CancellationToken.None);
            var startup = new Startup(pluginLoad, configurationLoad, loadClock.Elapsed - pluginLoad - configurationLoad);
            if (first is not null)
            {
                Console.Error.WriteLine($"the first call did not create a ticket: {first}");
                return 1;
            }

            emulator.Requests.Clear();
            var latencies = new double[calls.Count - 1];
            var failures = 0;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(
                Enumerable.Range(1, calls.Count - 1),
                new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
                async (i, token) =>
                {
                    var started = Stopwatch.GetTimestamp();
                    var failed = await DispatchCallAsync(dispatcher, calls[i], token);
                    latencies[i - 1] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (failed is not null)
                    {
                        Interlocked.Increment(ref failures);
                    }
                });
            var elapsed = clock.Elapsed;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            var tickets = calls.Count - 1 - failures;
            var requests = emulator.Requests.Snapshot().Where(r => r.Path.StartsWith("/api/data/", StringComparison.Ordinal)).ToList();
            Array.Sort(latencies);
            Report(options, startup, tickets, failures, elapsed, latencies, requests, allocated);
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    /// <summary>Runs a call's events in order; returns why the call failed, or null when every event made its delivery.</summary>
    private static async Task<string?> DispatchCallAsync(DispatchService dispatcher, CallEvent[] events, CancellationToken cancellationToken)
    {
        foreach (var callEvent in events)
        {
            var results = await dispatcher.DispatchAsync(callEvent, cancellationToken);
            if (results is not [{ Succeeded: true }])
            {
                return results.Count > 0 ? results[0].Delivery.LastError ?? "failed" : $"no trigger matched {callEvent.Id}";
            }
        }

        return null;
    }

    /// <summary>
    /// The emulator runs in this process: its own first requests (JIT, TLS) would otherwise be counted as the
    /// plugin's cold start. A production Dataverse is warm; only the client side should be measured cold.
    /// </summary>
    private static async Task WarmUpEmulatorAsync(DataverseEmulator.DataverseEmulator emulator)
    {
        using var client = new HttpClient(emulator.CreateHttpMessageHandler()) { BaseAddress = emulator.BaseUri };
        using var metadata = await client.GetAsync(new Uri($"{emulator.OrganizationTenantId}/v2.0/.well-known/openid-configuration", UriKind.Relative));
        using var unauthorized = await client.GetAsync(new Uri("api/data/v9.2/WhoAmI", UriKind.Relative));
        emulator.Requests.Clear();
    }

    private static void Report(LoadOptions options, Startup startup, int tickets, int failures, TimeSpan elapsed, double[] latencies, List<RecordedRequest> requests, long allocated)
    {
        string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
        double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        Console.WriteLine($"workload: {options.Tickets} calls of {options.EventsPerCall} event(s), {options.DistinctCallers} distinct callers, {options.Agents} agents, {options.Latency.TotalMilliseconds} ms emulator latency, {options.Concurrency} calls in flight");
        Console.WriteLine($"cold start: plugin load {F(startup.PluginLoad.TotalMilliseconds)} ms, config load + plugin validation {F(startup.ConfigurationLoad.TotalMilliseconds)} ms, first ticket (token, TLS, JIT) {F(startup.FirstTicket.TotalMilliseconds)} ms");
        Console.WriteLine($"tickets: {tickets} created, {failures} failed, in {F(elapsed.TotalSeconds)} s = {F(tickets / elapsed.TotalSeconds)} tickets/s");
        Console.WriteLine($"latency per call (ms): p50 {F(Percentile(0.50))}, p95 {F(Percentile(0.95))}, p99 {F(Percentile(0.99))}, max {F(latencies[^1])}");
        Console.WriteLine($"Web API requests: {requests.Count} = {(requests.Count / (double)Math.Max(1, tickets)).ToString("F3", CultureInfo.InvariantCulture)} per ticket; " +
            string.Join(", ", requests.GroupBy(r => $"{r.Method} {r.Path.Split('(')[0]}").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}")));
        Console.WriteLine($"HTTP 429 answers: {requests.Count(r => r.Status == 429)}");
        Console.WriteLine($"allocated per ticket (whole process: host, plugin, HTTP client and the emulator itself): {allocated / Math.Max(1, tickets) / 1024} KB");
        Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB");
    }

    private sealed record Startup(TimeSpan PluginLoad, TimeSpan ConfigurationLoad, TimeSpan FirstTicket);
}
