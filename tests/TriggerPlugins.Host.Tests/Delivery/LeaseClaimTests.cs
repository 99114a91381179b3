using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Tests.TestDoubles;

namespace TriggerPlugins.Host.Tests.Delivery;

/// <summary>Issue #13: the store's lease-based claim: per-call order, fairness across accounts, capacity, expiry, release.</summary>
public sealed class LeaseClaimTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, int> NoneBusy = [];
    private readonly ConfigFolder _data = new();
    private SqliteDeliveryStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteDeliveryStore.OpenAsync(_data.Path);

    public Task DisposeAsync()
    {
        _store.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task One_calls_deliveries_are_taken_one_at_a_time_in_accept_order()
    {
        var first = SqliteDeliveryStoreTests.Delivery("call-1", "a-trigger");
        var second = SqliteDeliveryStoreTests.Delivery("call-1", "b-trigger");
        await _store.EnqueueManyAsync([second, first], T0, default);

        var claimed = await ClaimAsync("w1", T0, limit: 10);
        Assert.Equal([second.Id], claimed.Select(d => d.Id));
        Assert.Empty(await ClaimAsync("w2", T0, limit: 10));

        await _store.RescheduleAsync(second.Id, T0.AddMinutes(1), "HTTP 503", T0, default);
        Assert.Empty(await ClaimAsync("w2", T0.AddSeconds(30), limit: 10));

        var retried = await ClaimAsync("w2", T0.AddMinutes(1), limit: 10);
        Assert.Equal([second.Id], retried.Select(d => d.Id));
        await _store.MarkSucceededAsync(second.Id, new ScriptedAction().CreateTicket(), T0.AddMinutes(1), default);
        Assert.Equal([first.Id], (await ClaimAsync("w2", T0.AddMinutes(1), limit: 10)).Select(d => d.Id));
    }

    [Fact]
    public async Task Claims_alternate_between_accounts_so_a_backlog_never_starves_another_account()
    {
        await _store.EnqueueManyAsync([.. Enumerable.Range(1, 6).Select(i => SqliteDeliveryStoreTests.Delivery($"big-{i}", account: "big"))], T0, default);
        await _store.EnqueueManyAsync([.. Enumerable.Range(1, 2).Select(i => SqliteDeliveryStoreTests.Delivery($"small-{i}", account: "small"))], T0, default);

        var claimed = await ClaimAsync("w1", T0, limit: 4);

        Assert.Equal(["big", "small", "big", "small"], claimed.OrderBy(d => d.Sequence).OrderBy(d => Turn(claimed, d)).Select(d => d.Action.Account));
    }

    [Fact]
    public async Task An_account_gets_at_most_its_free_capacity()
    {
        await _store.EnqueueManyAsync([.. Enumerable.Range(1, 5).Select(i => SqliteDeliveryStoreTests.Delivery($"c-{i}"))], T0, default);

        var claimed = await _store.ClaimDueAsync(new DeliveryClaim("w1", T0, TimeSpan.FromMinutes(5), 10, PerAccountCapacity: 3, new Dictionary<string, int> { ["contoso"] = 2 }), default);

        Assert.Single(claimed);
        Assert.All(claimed, d => Assert.Equal(("w1", DeliveryStatus.InFlight, 1), (d.LeaseOwner, d.Status, d.Attempts)));
    }

    [Fact]
    public async Task A_dead_workers_deliveries_come_back_when_their_lease_expires_and_a_release_returns_them_at_once()
    {
        await _store.EnqueueManyAsync([SqliteDeliveryStoreTests.Delivery("call-1"), SqliteDeliveryStoreTests.Delivery("call-2")], T0, default);
        Assert.Equal(2, (await ClaimAsync("dead", T0, limit: 10)).Count);

        Assert.Empty(await ClaimAsync("alive", T0.AddMinutes(4), limit: 10));
        var taken = await ClaimAsync("alive", T0.AddMinutes(5), limit: 10);
        Assert.Equal(2, taken.Count);
        Assert.All(taken, d => Assert.Equal(("alive", 2), (d.LeaseOwner, d.Attempts)));

        Assert.Equal(0, await _store.ReleaseLeasesAsync("dead", T0.AddMinutes(6), default));
        Assert.Equal(2, await _store.ReleaseLeasesAsync("alive", T0.AddMinutes(6), default));
        var released = await _store.ListAsync(DeliveryStatus.Pending, 10, default);
        Assert.All(released, d => Assert.Equal((null, T0.AddMinutes(6)), (d.LeaseOwner, d.NextAttemptAt)));
    }

    [Fact]
    public async Task A_group_enqueue_is_one_commit_that_keeps_known_ids_as_they_are()
    {
        var first = await _store.EnqueueManyAsync([SqliteDeliveryStoreTests.Delivery("call-1"), SqliteDeliveryStoreTests.Delivery("call-2")], T0, default);
        var again = await _store.EnqueueManyAsync([SqliteDeliveryStoreTests.Delivery("call-2"), SqliteDeliveryStoreTests.Delivery("call-3")], T0.AddMinutes(1), default);

        Assert.All(first, r => Assert.True(r.Created));
        Assert.Equal([false, true], again.Select(r => r.Created));
        Assert.Equal(first[1].Record.Sequence, again[0].Record.Sequence);
        Assert.True(again[1].Record.Sequence > first[1].Record.Sequence);
        Assert.Equal("call-3", again[1].Record.CallKey);
    }

    private static int Turn(IReadOnlyList<DeliveryRecord> claimed, DeliveryRecord delivery) =>
        claimed.Where(d => d.Action.Account == delivery.Action.Account).OrderBy(d => d.Sequence).ToList().IndexOf(delivery);

    private Task<IReadOnlyList<DeliveryRecord>> ClaimAsync(string owner, DateTimeOffset now, int limit) =>
        _store.ClaimDueAsync(new DeliveryClaim(owner, now, TimeSpan.FromMinutes(5), limit, PerAccountCapacity: 16, NoneBusy), default);
}
