using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Intake;
using TriggerPlugins.Host.Tests.TestDoubles;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Tests.Delivery;

/// <summary>
/// Issue #13: workers take due deliveries from the store under leases. An account whose Dynamics hangs never holds
/// back another; one call's deliveries run one at a time, in order; a stop releases what is unfinished.
/// </summary>
public sealed class DeliveryWorkersTests
{
    // How long (real time) a test waits for its signal before it fails: a bound against a hang, not a pause.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_hanging_account_never_holds_back_a_healthy_one_and_a_stop_releases_its_deliveries()
    {
        await using var host = await DeliveryHarness.StartAsync();
        host.Action.Behaviour = async (request, token) =>
        {
            if (request.Settings.AccountName == "other")
            {
                await Task.Delay(Timeout.Infinite, token); // unreachable Dynamics: the attempt never answers
            }

            return host.Action.CreateTicket();
        };
        await EnqueueAsync(host, "other", 20);
        await EnqueueAsync(host, "contoso", 200);
        var (workers, processor) = Workers(host, new WorkerOptions { MaxInFlight = 32, GracePeriod = TimeSpan.Zero });
        var settled = new ConcurrentBag<string>();
        var healthyDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        workers.Attempted += d =>
        {
            settled.Add(d.Action.Account + ":" + d.Status);
            if (settled.Count(s => s == "contoso:Succeeded") == 200)
            {
                healthyDone.TrySetResult();
            }
        };
        using var stop = new CancellationTokenSource();
        var run = workers.RunAsync(stop.Token);

        await healthyDone.Task.WaitAsync(Bound);
        Assert.Equal(host.Options.MaxConcurrencyPerAccount, host.Action.InFlight);
        await stop.CancelAsync();
        await run;

        var pending = await host.Store.ListAsync(DeliveryStatus.Pending, 100, default);
        Assert.Equal(20, pending.Count);
        Assert.All(pending, d => Assert.Equal(("other", (string?)null), (d.Action.Account, d.LeaseOwner)));
        Assert.Empty(await host.Store.ListAsync(DeliveryStatus.InFlight, 100, default));
        processor.Dispose();
    }

    [Fact]
    public async Task An_account_whose_attempts_keep_failing_pauses_instead_of_trying_every_queued_call()
    {
        await using var host = await DeliveryHarness.StartAsync(o => { o.BaseDelay = TimeSpan.FromMinutes(1); o.MaxDelay = TimeSpan.FromMinutes(2); });
        host.Action.Behaviour = (request, _) => Task.FromResult<ActionOutcome>(request.Settings.AccountName == "other" ? ActionOutcome.Transient("connection refused") : host.Action.CreateTicket());
        await EnqueueAsync(host, "other", 60);
        var (workers, processor) = Workers(host, new WorkerOptions { MaxInFlight = 64 });
        var healthy = 0;
        var healthyDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        workers.Attempted += d =>
        {
            if (d.Status == DeliveryStatus.Succeeded && Interlocked.Increment(ref healthy) == 30)
            {
                healthyDone.TrySetResult();
            }
        };
        var firstRound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Action.Started += () =>
        {
            if (host.Action.Requests.Count >= host.Options.MaxConcurrencyPerAccount)
            {
                firstRound.TrySetResult();
            }
        };
        using var stop = new CancellationTokenSource();
        var run = workers.RunAsync(stop.Token);
        await firstRound.Task.WaitAsync(Bound);

        // Work added after the pause still flows for the healthy account, and the paused one is not tried again.
        await EnqueueAsync(host, "contoso", 30);
        workers.Wake();
        await healthyDone.Task.WaitAsync(Bound);
        await stop.CancelAsync();
        await run;

        var attempts = host.Action.Requests.Count(r => r.Settings.AccountName == "other");
        Assert.InRange(attempts, host.Options.MaxConcurrencyPerAccount, (2 * host.Options.MaxConcurrencyPerAccount) - 1);
        processor.Dispose();
    }

    [Fact]
    public async Task One_calls_deliveries_run_one_at_a_time_in_accept_order_even_across_a_retry()
    {
        await using var host = await DeliveryHarness.StartAsync(o => { o.BaseDelay = TimeSpan.FromMilliseconds(10); o.MaxDelay = TimeSpan.FromMilliseconds(20); });
        var running = new ConcurrentDictionary<string, int>();
        var overlapped = 0;
        var order = new ConcurrentQueue<string>();
        var failedOnce = new ConcurrentDictionary<string, bool>();
        host.Action.Behaviour = async (request, _) =>
        {
            if (running.AddOrUpdate(request.Call.Id, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref overlapped);
            }

            await Task.Yield();
            running.AddOrUpdate(request.Call.Id, 0, (_, n) => n - 1);
            if (failedOnce.TryAdd(request.DeliveryId, true))
            {
                return ActionOutcome.Transient("HTTP 503");
            }

            order.Enqueue($"{request.Call.Id}/{request.Settings.AccountName}");
            return host.Action.CreateTicket();
        };

        // Per call: the "contoso" action is accepted before the "other" one.
        var calls = Enumerable.Range(1, 10).Select(i => Calls.Answered($"call-{i}")).ToList();
        var deliveries = calls.SelectMany(c => new[] { Planned(c, "first", "contoso"), Planned(c, "second", "other") }).ToList();
        await host.Store.EnqueueManyAsync(deliveries, TimeProvider.System.GetUtcNow(), default);
        var (workers, processor) = Workers(host, new WorkerOptions { MaxInFlight = 16 });
        var succeeded = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        workers.Attempted += d =>
        {
            if (d.Status == DeliveryStatus.Succeeded && Interlocked.Increment(ref succeeded) == 20)
            {
                allDone.TrySetResult();
            }
        };
        using var stop = new CancellationTokenSource();
        var run = workers.RunAsync(stop.Token);

        await allDone.Task.WaitAsync(Bound);
        await stop.CancelAsync();
        await run;

        Assert.Equal(0, overlapped);
        var done = order.ToList();
        Assert.All(calls, c => Assert.True(done.IndexOf($"{c.Id}/contoso") < done.IndexOf($"{c.Id}/other"), $"{c.Id} ran out of order"));
        processor.Dispose();
    }

    [Fact]
    public async Task The_intake_answers_once_the_deliveries_are_stored_and_concurrent_events_share_commits()
    {
        await using var host = await DeliveryHarness.StartAsync();
        await using var intake = new EventIntake(host.Store, new RunningConfiguration(host.Configuration), TimeProvider.System, NullLogger<EventIntake>.Instance);
        var commits = 0;
        intake.Committed += () => Interlocked.Increment(ref commits);

        var answers = await Task.WhenAll(Enumerable.Range(1, 64).Select(i => intake.AcceptAsync([Calls.Answered($"call-{i}")], default)));
        var again = await intake.AcceptAsync([Calls.Answered("call-1")], default);

        Assert.All(answers, a => Assert.Equal(2, a[0].Deliveries.Count));
        Assert.Equal(128, (await host.Store.ListAsync(DeliveryStatus.Pending, 1000, default)).Count);
        Assert.InRange(commits, 1, 64);
        Assert.All(again[0].Deliveries, d => Assert.False(d.Created));
        Assert.Equal(answers[0][0].Deliveries.Select(d => d.Record.Id), again[0].Deliveries.Select(d => d.Record.Id));
    }

    private static NewDelivery Planned(CallEvent call, string trigger, string account) =>
        NewDelivery.For(new PlannedAction(DeliveryIds.Create(call.Id, trigger, 0), trigger, 0, new TriggerAction("dynamics365", account, "default")), call);

    private static async Task EnqueueAsync(DeliveryHarness host, string account, int count) =>
        await host.Store.EnqueueManyAsync([.. Enumerable.Range(1, count).Select(i => Planned(Calls.Answered($"{account}-{i}"), "t", account))], TimeProvider.System.GetUtcNow(), default);

    private static (DeliveryWorkers Workers, DeliveryProcessor Processor) Workers(DeliveryHarness host, WorkerOptions options)
    {
        var processor = new DeliveryProcessor(host.Store, new DictionaryActionRegistry(host.Action), host.Configuration, Microsoft.Extensions.Options.Options.Create(host.Options), TimeProvider.System, NullLogger<DeliveryProcessor>.Instance);
        return (new DeliveryWorkers(host.Store, processor, options, host.Options, TimeProvider.System, NullLogger<DeliveryWorkers>.Instance), processor);
    }
}
