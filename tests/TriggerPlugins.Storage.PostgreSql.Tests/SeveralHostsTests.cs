using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Npgsql;
using TriggerPlugins.EndToEnd.Tests;
using TriggerPlugins.Tests.Shared;
using Xunit.Abstractions;

namespace TriggerPlugins.Storage.PostgreSql.Tests;

/// <summary>
/// Issue #15: three real `triggers serve` processes on one PostgreSQL queue, the real plugin against the emulator.
/// Events posted to any host are accepted; a host killed with -9 loses nothing (its leases run out and the other
/// hosts take its deliveries); each call ends with exactly one ticket.
/// </summary>
[Collection(PostgreSqlTests.Name)]
public sealed class SeveralHostsTests(PostgreSqlServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Calls = 3000;
    private readonly EmulatorFixture _fixture = new();
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"triggers-hosts-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        await _fixture.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _fixture.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Three_hosts_share_the_work_and_a_host_killed_with_sigkill_loses_nothing()
    {
        var connectionString = await server.Cluster.CreateDatabaseAsync();
        var environment = new Dictionary<string, string>(_fixture.Environment) { [DeliveryStores.EnvironmentVariable] = $"postgres:{connectionString}" };
        _fixture.Emulator.Faults.Latency = TimeSpan.FromMilliseconds(20);
        // The documented per-user limits, enforced by the emulator on the three hosts' combined requests: 6,000 per
        // 5 minutes and 52 at once (https://learn.microsoft.com/power-apps/developer/data-platform/api-limits).
        _fixture.Emulator.Faults.UseDocumentedServiceProtection();
        var hosts = new List<ServeProcess>();
        for (var i = 0; i < 3; i++)
        {
            // A short lease, so the killed host's deliveries come back within seconds (the default is 10 minutes).
            hosts.Add(await ServeProcess.StartAsync(Path.Combine(_work, $"host-{i}"), ServeProcess.FreePort(), environment, "--lease-duration", "8s", "--attempt-timeout", "5s"));
        }

        try
        {
            var victim = hosts[1];
            var batches = new ConcurrentQueue<string[]>(CallEvents.AnsweredInbound("hosts", Calls).Split('\n', StringSplitOptions.RemoveEmptyEntries).Chunk(25));
            var accepted = new ConcurrentDictionary<string, int>();
            var acceptedBy = new int[hosts.Count];
            var posters = Enumerable.Range(0, 6).Select(poster => Task.Run(async () =>
            {
                for (var turn = poster; batches.TryDequeue(out var batch); turn++)
                {
                    var host = turn % hosts.Count;
                    if (await hosts[host].PostAsync(string.Join('\n', batch)) == HttpStatusCode.Accepted)
                    {
                        Interlocked.Add(ref acceptedBy[host], batch.Length);
                        foreach (var line in batch)
                        {
                            accepted.AddOrUpdate(line, 1, (_, n) => n + 1);
                        }
                    }
                    else
                    {
                        batches.Enqueue(batch); // the host is gone: send the batch to another one
                    }
                }
            })).ToList();

            // Kill the victim once it has accepted events and while it holds leases: deliveries in flight under its name.
            var leasedByVictim = await WaitForAsync(
                async () => Volatile.Read(ref acceptedBy[1]) > 0 ? await LeasedByAsync(connectionString, victim.Process.Id) : 0, n => n > 0, TimeSpan.FromMinutes(2));
            victim.Process.Kill(); // SIGKILL: no graceful stop, no lease released
            await victim.Process.WaitForExitAsync();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(posters);

            await WaitForAsync(() => Task.FromResult(TicketsByCall().Count), n => n == Calls, TimeSpan.FromMinutes(4));
            var settled = await WaitForAsync(() => CountAsync(connectionString, "status IN ('pending', 'in-flight')"), n => n == 0, TimeSpan.FromMinutes(1));
            output.WriteLine($"accepted per host: {string.Join(", ", acceptedBy)}; victim held {leasedByVictim} lease(s) when killed; all {Calls} tickets {clock.Elapsed.TotalSeconds:F1} s after the kill");

            Assert.Equal(Calls, accepted.Count);
            Assert.All(acceptedBy, n => Assert.True(n > 0, "every host accepted events"));
            var tickets = TicketsByCall();
            Assert.Equal(Calls, tickets.Count);
            Assert.DoesNotContain(tickets, t => t.Value > 1);
            Assert.Equal(Calls, await CountAsync(connectionString, "status = 'succeeded'"));
            Assert.Equal(0, settled);
            Assert.DoesNotContain(_fixture.Emulator.Requests.Snapshot(), r => r.Status == 429);
            Assert.Equal(0, _fixture.Emulator.RequestsIntoOpenWindow);

            // Dataverse's service protection: 6000 requests per user in any 5 minutes (the whole run is shorter).
            Assert.All(_fixture.Emulator.Requests.Snapshot().GroupBy(r => r.Caller), user => Assert.InRange(user.Count(), 1, 6000));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private Dictionary<string, int> TicketsByCall() =>
        _fixture.Emulator.Store.Records("incidents")
            .Select(TicketCallId.Of)
            .Where(id => id is not null && id.StartsWith("hosts-", StringComparison.Ordinal))
            .GroupBy(id => id!)
            .ToDictionary(g => g.Key, g => g.Count());

    // DeliveryWorkers.Owner is "<machine>/<process id>/<random>".
    private static Task<int> LeasedByAsync(string connectionString, int processId) =>
        CountAsync(connectionString, $"status = 'in-flight' AND lease_owner LIKE '%/{processId}/%'");

    private static async Task<int> CountAsync(string connectionString, string where)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM deliveries WHERE {where}", connection);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<int> WaitForAsync(Func<Task<int>> read, Func<int, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"condition not met in {timeout} (last value {value})");
            }

            await Task.Delay(50);
        }
    }
}
