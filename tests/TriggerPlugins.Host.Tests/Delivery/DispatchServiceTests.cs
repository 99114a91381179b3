using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Tests.TestDoubles;
using TriggerPlugins.Host.Triggers;
using static TriggerPlugins.Host.Tests.Delivery.DeliveryHarness;

namespace TriggerPlugins.Host.Tests.Delivery;

public sealed class DispatchServiceTests
{
    [Fact]
    public async Task Each_matching_action_runs_once_and_its_outcome_is_returned()
    {
        await using var host = await StartAsync();

        var results = await host.Service.DispatchAsync(Calls.Answered("call-1"), default);

        Assert.Equal(["inbound", "support"], results.Select(r => r.Delivery.TriggerName));
        Assert.All(results, r => Assert.True(r.Succeeded && !r.AlreadyKnown));
        Assert.Equal(
            [DeliveryIds.Create("call-1", "inbound", 0), DeliveryIds.Create("call-1", "support", 0)],
            host.Action.Requests.Select(r => r.DeliveryId).Order());
        Assert.Equal(["CAS-00001", "CAS-00002"], results.Select(r => r.Delivery.Number).Order());
        Assert.Equal(["contoso", "other"], host.Action.Requests.Select(r => r.Settings.AccountName).Order());
        Assert.All(host.Action.Requests, r => Assert.Equal("call-1", r.Call.Id));
    }

    [Fact]
    public async Task A_resubmitted_event_reports_the_first_deliveries_and_runs_nothing()
    {
        await using var host = await StartAsync();
        var first = await host.Service.DispatchAsync(Calls.Answered("call-1"), default);

        var again = await host.Service.DispatchAsync(Calls.Answered("call-1"), default);

        Assert.Equal(2, host.Action.Requests.Count);
        Assert.All(again, r => Assert.True(r.AlreadyKnown));
        Assert.Equal(first.Select(r => r.Delivery.Number), again.Select(r => r.Delivery.Number));
        Assert.Equal(2, (await host.Service.ListAsync(null, 100, default)).Count);
    }

    [Fact]
    public async Task An_event_that_matches_nothing_runs_nothing()
    {
        await using var host = await StartAsync();

        var results = await host.Service.DispatchAsync(Calls.Answered() with { Direction = CallDirection.Outbound, Queue = "sales" }, default);

        Assert.Empty(results);
        Assert.Empty(await host.Service.ListAsync(null, 100, default));
    }

    [Fact]
    public async Task Retries_within_a_dispatch_follow_the_schedule_to_success()
    {
        await using var host = await StartAsync();
        host.Action.WithOutcomes(Transient(), Transient(), Transient());

        var results = await host.DriveAsync(host.Service.DispatchAsync(Calls.Answered("call-1"), default));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(5, host.Action.Requests.Count);
        Assert.Equal(5, results.Sum(r => r.Delivery.Attempts));
    }

    [Fact]
    public async Task On_start_deliveries_left_in_flight_or_pending_are_resumed()
    {
        await using var host = await StartAsync();
        var crashed = await host.EnqueueAsync("call-1");
        var waiting = await host.EnqueueAsync("call-2");
        await host.Store.TryClaimAsync(crashed, host.Time.GetUtcNow(), default);

        var results = await host.Service.ResumePendingAsync(default);

        Assert.Equal(new[] { crashed, waiting }.Order(), results.Select(r => r.Delivery.Id).Order());
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.All(results, r => Assert.False(r.AlreadyKnown)); // they ran now: created by this run, not an earlier one
        Assert.Equal(2, results.Single(r => r.Delivery.Id == crashed).Delivery.Attempts);
    }

    [Fact]
    public async Task A_dead_letter_can_be_retried_or_discarded()
    {
        await using var host = await StartAsync();
        host.Action.WithOutcomes(ActionOutcome.Permanent("bad secret"), ActionOutcome.Permanent("bad secret"));
        var results = await host.Service.DispatchAsync(Calls.Answered("call-1"), default);
        Assert.All(results, r => Assert.Equal((DeliveryStatus.DeadLettered, "bad secret"), (r.Delivery.Status, r.Delivery.LastError)));
        var dead = await host.Service.ListAsync(DeliveryStatus.DeadLettered, 100, default);

        Assert.True(await host.Service.RetryAsync(dead[0].Id, default));
        Assert.True(await host.Service.DiscardAsync(dead[1].Id, default));
        var resumed = await host.Service.ResumePendingAsync(default);

        Assert.Equal(dead[0].Id, Assert.Single(resumed).Delivery.Id);
        Assert.True(resumed[0].Succeeded && !resumed[0].AlreadyKnown);
        Assert.Empty(await host.Service.ListAsync(DeliveryStatus.DeadLettered, 100, default));
        Assert.False(await host.Service.RetryAsync(dead[1].Id, default));
    }
}
