using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TriggerPlugins.Abstractions;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Benchmarks.Load;

/// <summary>
/// Sustained throughput of one account at Dataverse's documented per-user service protection limits (6,000 requests
/// per 5 minutes, 52 concurrent), time-scaled in the emulator and the plugin alike so a 5-minute window passes in
/// seconds at the documented rate. The plugin is loaded from its folder; deliveries that come back transient are
/// retried after their Retry-After, as the host does. Usage: <c>service-protection [--users 1] [--scale 60] [--seconds 60]</c>.
/// </summary>
internal static class ServiceProtectionRunner
{
    private const string ClientId = "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20";
    private const string TenantId = "7f3c2a9e-5b1d-4c8e-9a6f-2d4b8e1c0a53";

    public static async Task<int> RunAsync(string[] args)
    {
        var (users, scale, seconds) = (1, 60, 60);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            _ = args[i] switch
            {
                "--users" => users = value,
                "--scale" => scale = value,
                "--seconds" => seconds = value,
                _ => throw new ArgumentException($"unknown option {args[i]}; known: --users --scale --seconds"),
            };
        }

        var seed = EmulatorSeed.Demo();
        var extra = ExtraApplicationUsers.AddTo(seed, users - 1);

        var faults = new EmulatorFaults { Latency = TimeSpan.FromMilliseconds(50) };
        faults.UseDocumentedServiceProtection(scale);
        await using var emulator = await DataverseEmulator.DataverseEmulator.StartAsync(new EmulatorOptions { Seed = seed, Faults = faults });
        await using var plugins = PluginCatalog.Load(Path.Combine(AppContext.BaseDirectory, "plugins"), NullLoggerFactory.Instance);
        if (!plugins.TryGetAction("dynamics365", out var action))
        {
            Console.Error.WriteLine(string.Join('\n', plugins.Failures));
            return 2;
        }

        var account = new JsonObject
        {
            ["plugin"] = "dynamics365", ["clientId"] = ClientId, ["tenantId"] = TenantId, ["clientSecret"] = "demo-secret-not-for-production",
            ["weburl"] = emulator.BaseUri.ToString(), ["authorityHost"] = emulator.BaseUri.ToString(),
            ["trustedCertificateThumbprint"] = emulator.CertificateThumbprint, ["serviceProtectionTimeScale"] = scale,
            ["applicationUsers"] = ExtraApplicationUsers.AsJson(extra),
        };
        var settings = new ActionSettings
        {
            AccountName = "bench",
            Account = System.Text.Json.JsonSerializer.SerializeToElement(account),
            ConfigurationName = "bench",
            Configuration = System.Text.Json.JsonSerializer.SerializeToElement(new JsonObject { ["plugin"] = "dynamics365", ["defaultCountry"] = "IT" }),
            AccountSource = "accounts/bench.json",
            ConfigurationSource = "configurations/bench.json",
            BaseDirectory = AppContext.BaseDirectory,
        };
        var report = action.Validate(settings);
        if (!report.IsValid)
        {
            Console.Error.WriteLine(string.Join('\n', report.Problems));
            return 2;
        }

        var calls = Workload.Calls(new LoadOptions { Tickets = 1_000_000, DistinctCallers = 50, Agents = 10 }).GetEnumerator();
        var created = new List<double>();
        var transient = 0;
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        var next = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 64), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (_, token) =>
        {
            while (clock.Elapsed < end)
            {
                CallEvent call;
                lock (calls)
                {
                    calls.MoveNext();
                    call = calls.Current;
                }

                var request = new ActionRequest { Call = call, Settings = settings, DeliveryId = $"bench-{Interlocked.Increment(ref next)}", Attempt = 1 };
                while (clock.Elapsed < end)
                {
                    var outcome = await action.ExecuteAsync(request, token);
                    if (outcome is ActionSucceeded)
                    {
                        lock (created)
                        {
                            created.Add(clock.Elapsed.TotalSeconds);
                        }

                        break;
                    }

                    Interlocked.Increment(ref transient);
                    await Task.Delay(outcome is ActionFailedTransient { RetryAfter: { } wait } ? wait : TimeSpan.FromSeconds(1), token);
                    request = new ActionRequest { Call = call, Settings = settings, DeliveryId = request.DeliveryId, Attempt = request.Attempt + 1 };
                }
            }
        });

        var window = 300.0 / scale;
        var requests = emulator.Requests.Snapshot().Where(r => r.Path.StartsWith("/api/data/", StringComparison.Ordinal)).ToList();
        var perTicket = requests.Count / (double)Math.Max(1, created.Count);
        var limitPerSecond = 6000.0 / 300;
        var rate = created.Count / (double)seconds;
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine($"service protection x{scale} ({F(6000.0 / scale)} requests per {F(window)} s window per user, i.e. {F(limitPerSecond)} requests/s), {users} application user(s), 50 distinct callers, 10 agents, 50 ms latency, 64 calls in flight, {seconds} s ({F(seconds / window)} windows)");
        Console.WriteLine($"tickets: {created.Count} in {seconds} s = {F(rate)} tickets/s = {F(rate / users)} per user");
        Console.WriteLine($"Web API requests: {requests.Count} = {perTicket.ToString("F3", CultureInfo.InvariantCulture)} per ticket = {F(requests.Count / (double)seconds / users)} requests/s per user; HTTP 429 answers: {requests.Count(r => r.Status == 429)}; requests into an open window: {emulator.RequestsIntoOpenWindow}; transient outcomes: {transient}");
        Console.WriteLine("requests per user: " + string.Join(", ", requests.GroupBy(r => r.Caller).Select(g => $"{g.Key}: {g.Count()}")));
        Console.WriteLine($"documented limit at {perTicket.ToString("F3", CultureInfo.InvariantCulture)} requests per ticket: {F(limitPerSecond * users / perTicket)} tickets/s; reached {F(100 * rate / (limitPerSecond * users / perTicket))}%");
        return 0;
    }
}
