using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using TriggerPlugins.Tests.Shared;
using Xunit.Abstractions;

namespace TriggerPlugins.EndToEnd.Tests;

/// <summary>
/// Issue #13: the real `triggers serve` process, real HTTP on loopback, real SQLite, the real plugin against the
/// emulator: a Dynamics outage never stops the intake, kill -9 never loses or duplicates an accepted event, and
/// one process per data folder.
/// </summary>
public sealed class ServeTests(ITestOutputHelper output) : EmulatorWorkspace("triggers-serve-e2e")
{
    [Fact]
    public async Task During_a_60_second_outage_every_post_gets_202_and_afterwards_each_call_has_exactly_one_ticket()
    {
        const int calls = 1000;
        var lines = CallEvents.AnsweredInbound("outage", calls).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await using var serve = await ServeProcess.StartAsync(Path.Combine(Work, "data-outage"), ServeProcess.FreePort(), Fixture.Environment);
        var clock = Stopwatch.StartNew();
        // Dynamics is unreachable: nothing listens on its address (connections refused), token endpoint included.
        await Emulator.GoOfflineAsync();
        var beforeOutage = Emulator.Requests.Snapshot().Count;

        // 8 clients, batches of 10, plus single events: all answered while Dynamics is unreachable.
        var statuses = new ConcurrentBag<HttpStatusCode?>();
        var batches = lines.Chunk(10).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, _) =>
        {
            if (batch.Length == 10 && batches.IndexOf(batch) % 2 == 0)
            {
                statuses.Add(await serve.PostAsync(string.Join('\n', batch)));
            }
            else
            {
                foreach (var line in batch)
                {
                    statuses.Add(await serve.PostAsync(line));
                }
            }
        });
        var intakeSeconds = clock.Elapsed.TotalSeconds;
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
        Assert.Empty(TicketsByCall("outage"));
        var waiting = await serve.CountByStatusAsync();
        Assert.Equal(calls, waiting.GetValueOrDefault("pending") + waiting.GetValueOrDefault("in-flight"));

        await Task.Delay(TimeSpan.FromSeconds(60) - clock.Elapsed); // the outage lasts 60 s in all
        Assert.Equal(beforeOutage, Emulator.Requests.Snapshot().Count); // nothing reached it while it was down
        await Emulator.GoOnlineAsync();
        var back = Stopwatch.StartNew();

        await WaitUntilAsync(() => TicketsByCall("outage").Count == calls, TimeSpan.FromMinutes(3));
        await WaitUntilAsync(async () => await serve.CountAsync("succeeded") == calls, TimeSpan.FromMinutes(1));
        AssertExactlyOneTicketPerCall("outage", calls);
        Assert.Equal(new Dictionary<string, int> { ["succeeded"] = calls }, await serve.CountByStatusAsync());
        output.WriteLine($"outage: {calls} events accepted in {intakeSeconds:F1} s while Dynamics was down (connections refused for 60 s); backlog drained {back.Elapsed.TotalSeconds:F1} s after it came back");
    }

    [Fact]
    public async Task Killed_with_sigkill_ten_times_mid_stream_every_accepted_event_ends_with_exactly_one_ticket()
    {
        const int calls = 2000;
        Emulator.Faults.Latency = TimeSpan.FromMilliseconds(20);
        var batches = new ConcurrentQueue<string[]>(CallEvents.AnsweredInbound("killed", calls).Split('\n', StringSplitOptions.RemoveEmptyEntries).Chunk(20));
        var accepted = new ConcurrentDictionary<string, bool>();
        var data = Path.Combine(Work, "data-killed");
        var port = ServeProcess.FreePort();
        var random = new Random(13);
        var kills = 0;

        while (true)
        {
            await using var serve = await ServeProcess.StartAsync(data, port, Fixture.Environment);
            using var stopPosting = new CancellationTokenSource();
            var posters = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stopPosting.IsCancellationRequested && batches.TryDequeue(out var batch))
                {
                    if (await serve.PostAsync(string.Join('\n', batch)) == HttpStatusCode.Accepted)
                    {
                        foreach (var line in batch)
                        {
                            accepted[line] = true;
                        }
                    }
                    else
                    {
                        batches.Enqueue(batch); // not accepted (the process died meanwhile): send it again to the next one
                    }
                }
            })).ToList();

            if (kills < 10)
            {
                await Task.Delay(random.Next(300, 1500));
                serve.Process.Kill(); // SIGKILL: no graceful stop
                await serve.Process.WaitForExitAsync();
                kills++;
                await stopPosting.CancelAsync();
                await Task.WhenAll(posters);
                continue;
            }

            await Task.WhenAll(posters);
            await WaitUntilAsync(() => TicketsByCall("killed").Count == calls, TimeSpan.FromMinutes(4));
            await WaitUntilAsync(async () => await serve.CountAsync("succeeded") >= 1000 && await serve.CountAsync("pending") + await serve.CountAsync("in-flight") == 0, TimeSpan.FromMinutes(1));
            break;
        }

        Assert.Equal(calls, accepted.Count);
        AssertExactlyOneTicketPerCall("killed", calls);
        output.WriteLine($"killed {kills} times; {calls} events accepted, {TicketsByCall("killed").Count} tickets");
    }

    [Fact]
    public async Task A_second_process_on_the_same_data_folder_exits_2_and_sigterm_stops_serve_with_exit_0()
    {
        var data = Path.Combine(Work, "data-locked");
        await using var serve = await ServeProcess.StartAsync(data, ServeProcess.FreePort(), Fixture.Environment);
        var env = new Dictionary<string, string>(Fixture.Environment) { ["TRIGGERS_API_KEY"] = ServeProcess.Key };

        var second = await TriggersProcess.RunAsync(ServeProcess.Arguments(data, ServeProcess.FreePort()), env);
        var run = await TriggersProcess.RunAsync(["run", "--config", Path.Combine(TriggersProcess.SamplesDirectory, "config"), "--data", data], env, standardInput: "");

        foreach (var refused in new[] { second, run })
        {
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains($"the data folder '{Path.GetFullPath(data)}' is in use by another triggers process (pid {serve.Process.Id})", refused.StandardError, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Accepted, await serve.PostAsync(CallEvents.AnsweredInbound("sigterm", 1)));
        Assert.Equal(0, await serve.TerminateAsync());
        Assert.Contains("Delivery stopped", serve.Log, StringComparison.Ordinal);
    }

    private void AssertExactlyOneTicketPerCall(string prefix, int calls)
    {
        var tickets = TicketsByCall(prefix);
        Assert.Equal(calls, tickets.Count);
        var duplicated = tickets.Where(t => t.Value > 1).Select(t => t.Key).ToList();
        Assert.True(duplicated.Count == 0, $"calls with more than one ticket: {string.Join(", ", duplicated)}");
    }

    private Dictionary<string, int> TicketsByCall(string prefix) =>
        Emulator.Store.Records("incidents")
            .Select(TicketCallId.Of)
            .Where(id => id is not null && id.StartsWith(prefix + "-", StringComparison.Ordinal))
            .GroupBy(id => id!)
            .ToDictionary(g => g.Key, g => g.Count());

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(100);
        }
    }
}
