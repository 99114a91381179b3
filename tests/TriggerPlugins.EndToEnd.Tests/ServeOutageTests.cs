using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using TriggerPlugins.Tests.Shared;
using Xunit.Abstractions;

namespace TriggerPlugins.EndToEnd.Tests;

/// <summary>
/// Issue #13: a Dynamics outage never stops the intake of the real `triggers serve` process. A class of its own, so
/// that its 60 s of outage overlap the other end-to-end classes instead of adding to them.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public sealed class ServeOutageTests(ITestOutputHelper output) : EmulatorWorkspace("triggers-serve-outage-e2e")
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

        // The outage lasts 60 s in all: this is its length, not a wait for something to happen. On a loaded machine
        // the intake alone may take longer, and Task.Delay refuses a negative time.
        var rest = TimeSpan.FromSeconds(60) - clock.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }
        Assert.Equal(beforeOutage, Emulator.Requests.Snapshot().Count); // nothing reached it while it was down
        await Emulator.GoOnlineAsync();
        var back = Stopwatch.StartNew();

        await WaitUntilAsync(() => TicketsByCall("outage").Count == calls, TimeSpan.FromMinutes(3));
        await WaitUntilAsync(async () => await serve.CountAsync("succeeded") == calls, TimeSpan.FromMinutes(1));
        AssertExactlyOneTicketPerCall("outage", calls);
        Assert.Equal(new Dictionary<string, int> { ["succeeded"] = calls }, await serve.CountByStatusAsync());
        output.WriteLine($"outage: {calls} events accepted in {intakeSeconds:F1} s while Dynamics was down (connections refused for 60 s); backlog drained {back.Elapsed.TotalSeconds:F1} s after it came back");
    }
}
