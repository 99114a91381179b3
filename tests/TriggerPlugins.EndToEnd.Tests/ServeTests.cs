using System.Collections.Concurrent;
using System.Net;
using TriggerPlugins.Tests.Shared;
using Xunit.Abstractions;

namespace TriggerPlugins.EndToEnd.Tests;

/// <summary>
/// Issue #13: the real `triggers serve` process, real HTTP on loopback, real SQLite, the real plugin against the
/// emulator: a Dynamics outage never stops the intake, kill -9 never loses or duplicates an accepted event, and
/// one process per data folder.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public sealed class ServeTests(ITestOutputHelper output) : EmulatorWorkspace("triggers-serve-e2e")
{
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
}
