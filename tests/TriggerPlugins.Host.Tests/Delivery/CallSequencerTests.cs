using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Host.Tests.Delivery;

/// <summary>The host runs one call's work one piece at a time, in arrival order; other calls are not held up.</summary>
public sealed class CallSequencerTests
{
    [Fact]
    public async Task Work_for_one_call_waits_for_the_piece_before_it_and_runs_in_arrival_order()
    {
        var sequencer = new CallSequencer();
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var order = new List<string>();

        var first = sequencer.RunAsync("call-1", async () =>
        {
            order.Add("start");
            firstRunning.SetResult();
            await releaseFirst.Task;
            order.Add("start done");
            return 1;
        }, CancellationToken.None);
        await firstRunning.Task;
        var second = sequencer.RunAsync("call-1", () => { order.Add("connect"); return Task.FromResult(2); }, CancellationToken.None);
        var third = sequencer.RunAsync("call-1", () => { order.Add("end"); return Task.FromResult(3); }, CancellationToken.None);
        var other = await sequencer.RunAsync("call-2", () => Task.FromResult(4), CancellationToken.None);

        Assert.Equal(4, other); // another call ran while call-1 was busy
        Assert.False(second.IsCompleted);
        releaseFirst.SetResult();
        var results = await Task.WhenAll(first, second, third);
        Assert.Equal([1, 2, 3], results);
        Assert.Equal(["start", "start done", "connect", "end"], order);
        Assert.Equal(0, sequencer.ActiveCalls);
    }

    [Fact]
    public async Task A_waiter_cancelled_before_its_turn_does_not_let_the_next_one_overtake_the_running_one()
    {
        var sequencer = new CallSequencer();
        var running = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        using var cancel = new CancellationTokenSource();
        var first = sequencer.RunAsync("call-1", async () => { running.SetResult(); await release.Task; return 1; }, CancellationToken.None);
        await running.Task;

        var cancelled = sequencer.RunAsync("call-1", () => Task.FromResult(2), cancel.Token);
        var third = sequencer.RunAsync("call-1", () => Task.FromResult(3), CancellationToken.None);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(third.IsCompleted);
        release.SetResult();
        Assert.Equal(3, await third);
        Assert.Equal(1, await first);
    }
}
