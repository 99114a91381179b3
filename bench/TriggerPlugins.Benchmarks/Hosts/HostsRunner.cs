using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using TriggerPlugins.Benchmarks.Intake;
using TriggerPlugins.Benchmarks.Load;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Server;
using TriggerPlugins.Storage.PostgreSql.Tests;

namespace TriggerPlugins.Benchmarks.Hosts;

/// <summary>
/// `hosts`: 1, 2 and 3 `triggers serve` hosts (in process, each with its own Kestrel port, data folder and workers) on
/// one PostgreSQL 15 queue (a throwaway cluster, as the tests start it), against the emulator with 50 ms latency.
/// Events go round-robin to the hosts in NDJSON batches of 100 from 16 clients. Prints accepted events/s (all
/// POSTs answered 202) and delivered tickets/s (from the first POST until every delivery succeeded).
/// </summary>
internal static class HostsRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = IntakeRunner.Option(args, "--events", 2000);
        await using var cluster = new PostgreSqlCluster();
        await cluster.StartAsync();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; PostgreSQL 15 on 127.0.0.1 (fsync off, throwaway); {events} events per run, NDJSON batches of 100, 16 clients, emulator latency 50 ms");
        foreach (var hostCount in new[] { 1, 2, 3 })
        {
            await MeasureAsync(hostCount, events, $"postgres:{await cluster.CreateDatabaseAsync()}");
        }

        return 0;
    }

    private static async Task MeasureAsync(int hostCount, int events, string store)
    {
        // A fresh emulator per run: every run creates its tickets anew.
        await using var emulator = await DataverseEmulator.DataverseEmulator.StartAsync(
            new EmulatorOptions { SeedFile = Path.Combine(AppContext.BaseDirectory, "samples", "emulator", "seed.json") });
        emulator.Faults.Latency = TimeSpan.FromMilliseconds(50);
        Environment.SetEnvironmentVariable("TRIGGERS_EMULATOR_URL", emulator.BaseUri.ToString());
        Environment.SetEnvironmentVariable("TRIGGERS_EMULATOR_THUMBPRINT", emulator.CertificateThumbprint);
        var work = Path.Combine(Path.GetTempPath(), $"triggers-hosts-bench-{Guid.NewGuid():N}");
        var servers = new List<TriggersServer>();
        try
        {
            for (var i = 0; i < hostCount; i++)
            {
                servers.Add(await IntakeRunner.StartAsync(Path.Combine(work, $"host-{i}"), store));
            }

            var clients = servers.Select(s =>
            {
                var http = new HttpClient { BaseAddress = new Uri(s.App.Urls.First()) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", IntakeRunner.Key);
                return http;
            }).ToList();
            var bodies = Workload.Calls(new LoadOptions { Tickets = events }).Select(CallEventJson.Serialize).Chunk(100).Select(c => string.Join('\n', c)).ToArray();
            var queue = (IDeliveryStore)servers[0].App.Services.GetService(typeof(IDeliveryStore))!;
            var next = -1;
            var refused = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < bodies.Length)
                {
                    using var response = await clients[i % clients.Count].PostAsync("/api/v1/events", new StringContent(bodies[i], Encoding.UTF8, "application/x-ndjson"));
                    if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
            })));
            var accepted = clock.Elapsed;
            while ((await queue.GetStatsAsync(default)).CountByStatus.GetValueOrDefault(DeliveryStatus.Succeeded) < events && clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(20);
            }

            var delivered = clock.Elapsed;
            var tickets = emulator.Store.Count("incidents");
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{hostCount} host(s): accepted {events} events in {accepted.TotalSeconds:F2} s = {events / accepted.TotalSeconds:F0} events/s ({refused} refused); delivered {tickets} tickets in {delivered.TotalSeconds:F2} s = {tickets / delivered.TotalSeconds:F1} tickets/s"));
            clients.ForEach(c => c.Dispose());
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.App.StopAsync();
                await server.DisposeAsync();
            }

            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }
}
