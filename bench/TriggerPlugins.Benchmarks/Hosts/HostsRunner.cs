using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TriggerPlugins.Benchmarks.Intake;
using TriggerPlugins.Benchmarks.Load;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Server;
using TriggerPlugins.Storage.PostgreSql.Tests;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Benchmarks.Hosts;

/// <summary>
/// `hosts`: 1, 2 and 3 `triggers serve` hosts (in process, each with its own Kestrel port, data folder and workers) on
/// one PostgreSQL 15 queue (a throwaway cluster, as the tests start it), against the emulator with 50 ms latency and
/// Dataverse's documented per-user service protection. The events are spread over several accounts (<c>--accounts</c>,
/// 4 by default), each signing in as its own application user, so that neither one user's budget (shared by the hosts
/// through the database) nor one account's 16 deliveries at once per host is the bottleneck. Events go round-robin
/// to the hosts in NDJSON batches of 100 from 16 clients. Prints accepted events/s (all POSTs answered 202) and
/// delivered tickets/s (from the first POST until every delivery succeeded).
/// </summary>
internal static class HostsRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = IntakeRunner.Option(args, "--events", 2000);
        var accounts = IntakeRunner.Option(args, "--accounts", 4);
        await using var cluster = new PostgreSqlCluster();
        await cluster.StartAsync();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}; PostgreSQL 15 on 127.0.0.1 (fsync off, throwaway); {events} events per run over {accounts} accounts (one application user each), NDJSON batches of 100, 16 clients, emulator latency 50 ms, documented service protection");
        foreach (var hostCount in new[] { 1, 2, 3 })
        {
            await MeasureAsync(hostCount, events, accounts, $"postgres:{await cluster.CreateDatabaseAsync()}");
        }

        Console.WriteLine($"load average after the runs: {LoadAverage()}");
        return 0;
    }

    private static async Task MeasureAsync(int hostCount, int events, int accounts, string store)
    {
        // A fresh emulator per run: every run creates its tickets anew.
        var seed = EmulatorSeed.LoadFile(Path.Combine(AppContext.BaseDirectory, "samples", "emulator", "seed.json"));
        var users = ExtraApplicationUsers.AddTo(seed, accounts);
        await using var emulator = await DataverseEmulator.DataverseEmulator.StartAsync(new EmulatorOptions { Seed = seed });
        emulator.Faults.Latency = TimeSpan.FromMilliseconds(50);
        emulator.Faults.UseDocumentedServiceProtection();
        Environment.SetEnvironmentVariable("TRIGGERS_EMULATOR_URL", emulator.BaseUri.ToString());
        Environment.SetEnvironmentVariable("TRIGGERS_EMULATOR_THUMBPRINT", emulator.CertificateThumbprint);
        var work = Path.Combine(Path.GetTempPath(), $"triggers-hosts-bench-{Guid.NewGuid():N}");
        var config = WriteConfig(Path.Combine(work, "config"), users);
        var servers = new List<TriggersServer>();
        try
        {
            for (var i = 0; i < hostCount; i++)
            {
                servers.Add(await IntakeRunner.StartAsync(Path.Combine(work, $"host-{i}"), store, config));
            }

            var clients = servers.Select(s =>
            {
                var http = new HttpClient { BaseAddress = new Uri(s.App.Urls.First()) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", IntakeRunner.Key);
                return http;
            }).ToList();
            // Each call goes to one account, by its queue (the accounts' triggers match on it).
            var bodies = Workload.Calls(new LoadOptions { Tickets = events })
                .Select((call, i) => CallEventJson.Serialize(call with { Queue = $"queue-{i % accounts}" }))
                .Chunk(100).Select(c => string.Join('\n', c)).ToArray();
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
            var throttled = emulator.Requests.Snapshot().Count(r => r.Status == 429);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{hostCount} host(s): accepted {events} events in {accepted.TotalSeconds:F2} s = {events / accepted.TotalSeconds:F0} events/s ({refused} refused); delivered {tickets} tickets in {delivered.TotalSeconds:F2} s = {tickets / delivered.TotalSeconds:F1} tickets/s; HTTP 429: {throttled}; load average {LoadAverage()}"));
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

    /// <summary>A config folder with one account per user (account-0, account-1...), each fed by the calls of its queue.</summary>
    private static string WriteConfig(string config, IReadOnlyList<(string ClientId, string Secret)> users)
    {
        foreach (var folder in new[] { "accounts", "configurations", "triggers" })
        {
            Directory.CreateDirectory(Path.Combine(config, folder));
        }

        File.WriteAllText(Path.Combine(config, "configurations", "default.json"), """{ "plugin": "dynamics365" }""");
        for (var i = 0; i < users.Count; i++)
        {
            var account = new JsonObject
            {
                ["plugin"] = "dynamics365", ["tenantId"] = "7f3c2a9e-5b1d-4c8e-9a6f-2d4b8e1c0a53",
                ["clientId"] = users[i].ClientId, ["clientSecret"] = users[i].Secret,
                ["weburl"] = "env:TRIGGERS_EMULATOR_URL", ["authorityHost"] = "env:TRIGGERS_EMULATOR_URL",
                ["trustedCertificateThumbprint"] = "env:TRIGGERS_EMULATOR_THUMBPRINT",
            };
            File.WriteAllText(Path.Combine(config, "accounts", $"account-{i}.json"), account.ToJsonString());
            var trigger = new JsonObject
            {
                ["on"] = new JsonArray("call-end"),
                ["match"] = "all",
                ["conditions"] = new JsonArray(new JsonObject { ["field"] = "queue", ["operator"] = "is", ["value"] = $"queue-{i}" }),
                ["actions"] = new JsonArray(new JsonObject { ["plugin"] = "dynamics365", ["account"] = $"account-{i}", ["configuration"] = "default" }),
            };
            File.WriteAllText(Path.Combine(config, "triggers", $"account-{i}.json"), trigger.ToJsonString());
        }

        return config;
    }

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
