using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Storage.PostgreSql.Tests;

/// <summary>
/// What every <see cref="IDeliveryStore"/> must do, whatever holds the queue. Each store runs this same suite
/// (<see cref="SqliteStoreContractTests"/>, <see cref="PostgreSqlStoreContractTests"/>) through
/// <see cref="DeliveryStores.OpenAsync"/>, the way the hosts open it.
/// </summary>
public abstract class DeliveryStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private readonly List<OpenedDeliveryStore> _opened = [];

    /// <summary>The store under test: the first one opened.</summary>
    protected IDeliveryStore Store => _opened[0].Store;

    /// <summary>What to pass to <see cref="DeliveryStores.OpenAsync"/>: the same storage every call.</summary>
    protected abstract Task<(string? Setting, string DataDirectory)> StorageAsync();

    /// <summary>Storage that holds no queue yet (an empty folder, an empty database).</summary>
    protected abstract Task<(string? Setting, string DataDirectory)> EmptyStorageAsync();

    public async Task InitializeAsync() => await OpenAnotherAsync();

    public virtual async Task DisposeAsync()
    {
        foreach (var opened in _opened)
        {
            await opened.DisposeAsync();
        }
    }

    /// <summary>Another store on the same storage: another process, or another host.</summary>
    protected async Task<IDeliveryStore> OpenAnotherAsync()
    {
        var (setting, data) = await StorageAsync();
        var opened = await DeliveryStores.OpenAsync(setting, data, DeliveryStoreOpenMode.CreateIfMissing);
        _opened.Add(opened);
        return opened.Store;
    }

    internal static NewDelivery Delivery(string eventId = "call-1", string trigger = "inbound", int index = 0, string account = "contoso") =>
        new(DeliveryIds.Create(eventId, trigger, index), eventId, $$"""{"id":"{{eventId}}","kind":"callEnd","callerName":"Nicolò Ærø 📞"}""", trigger, index, new TriggerAction("dynamics365", account, "default"));

    [Fact]
    public async Task A_read_only_opening_of_storage_without_a_queue_says_so_and_creates_nothing()
    {
        var (setting, data) = await EmptyStorageAsync();

        var error = await Assert.ThrowsAsync<DeliveryStoreException>(() => DeliveryStores.OpenAsync(setting, data, DeliveryStoreOpenMode.MustExist));

        Assert.Equal(DeliveryStoreFault.Missing, error.Fault);
        Assert.StartsWith("there is no delivery queue ", error.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAsync<DeliveryStoreException>(() => DeliveryStores.OpenAsync(setting, data, DeliveryStoreOpenMode.MustExist));
        Assert.Equal(DeliveryStoreFault.Missing, again.Fault);
    }

    [Fact]
    public async Task Enqueue_adds_a_pending_delivery_due_now_and_keeps_the_event_exactly()
    {
        var delivery = Delivery();

        var result = await Store.EnqueueAsync(delivery, T0, default);

        Assert.True(result.Created);
        Assert.Equal((delivery.Id, "call-1", "inbound", 0, DeliveryStatus.Pending, 0, T0, T0, T0), (result.Record.Id, result.Record.EventId, result.Record.TriggerName, result.Record.ActionIndex, result.Record.Status, result.Record.Attempts, result.Record.NextAttemptAt, result.Record.RetryWindowStart, result.Record.CreatedAt));
        Assert.Equal(delivery.EventJson, result.Record.EventJson);
        Assert.Equal(new TriggerAction("dynamics365", "contoso", "default"), result.Record.Action);
        var stored = await Store.GetAsync(delivery.Id, default);
        Assert.Equal((result.Record.Id, result.Record.EventJson, result.Record.CreatedAt), (stored?.Id, stored?.EventJson, stored?.CreatedAt));
    }

    [Fact]
    public async Task Enqueue_of_a_known_id_adds_nothing_and_reports_the_stored_state()
    {
        await Store.EnqueueAsync(Delivery(), T0, default);
        await Store.TryClaimAsync(Delivery().Id, T0, default);
        await Store.MarkSucceededAsync(Delivery().Id, ActionOutcome.Success("id-1", "CAS-1"), T0, default);

        var again = await Store.EnqueueAsync(Delivery(), T0.AddMinutes(5), default);

        Assert.False(again.Created);
        Assert.Equal((DeliveryStatus.Succeeded, "CAS-1", T0), (again.Record.Status, again.Record.Number, again.Record.CreatedAt));
        Assert.Single(await Store.ListAsync(null, 10, default));
    }

    [Fact]
    public async Task The_same_id_with_other_event_content_is_a_conflict_and_changes_nothing()
    {
        await Store.EnqueueAsync(Delivery(), T0, default);

        var same = await Store.EnqueueAsync(Delivery(), T0.AddMinutes(1), default);
        var other = await Store.EnqueueAsync(Delivery() with { EventJson = """{"id":"call-1","kind":"abandon"}""", EventHash = "another-hash" }, T0.AddMinutes(1), default);

        Assert.Equal((false, false), (same.Created, same.Conflict));
        Assert.Equal((false, true), (other.Created, other.Conflict));
        Assert.Equal((Delivery().EventJson, Delivery().EventHash), (other.Record.EventJson, other.Record.EventHash));
    }

    [Fact]
    public async Task Purging_drops_the_call_data_of_old_successes_and_keeps_the_outcome_and_every_dead_letter()
    {
        foreach (var id in new[] { "old", "recent", "dead" })
        {
            await Store.EnqueueAsync(Delivery(id), T0, default);
            await Store.TryClaimAsync(Delivery(id).Id, T0, default);
        }

        await Store.MarkSucceededAsync(Delivery("old").Id, ActionOutcome.Success("ticket-old", "CAS-OLD", notes: ["caller Mario Rossi"]), T0, default);
        await Store.MarkSucceededAsync(Delivery("recent").Id, ActionOutcome.Success("ticket-new"), T0.AddDays(40), default);
        await Store.DeadLetterAsync(Delivery("dead").Id, "invalid client secret", "auth.invalid-secret", T0, default);

        Assert.Equal(1, await Store.PurgeSettledAsync(T0.AddDays(30), default));
        Assert.Equal(0, await Store.PurgeSettledAsync(T0.AddDays(30), default));

        var old = await Store.GetAsync(Delivery("old").Id, default);
        Assert.Equal((true, "", null, "CAS-OLD", Delivery("old").EventHash), (old!.Purged, old.EventJson, old.LastError, old.Number, old.EventHash));
        Assert.Empty(old.Notes);
        Assert.False((await Store.GetAsync(Delivery("recent").Id, default))!.Purged);
        Assert.Equal((Delivery("dead").EventJson, "invalid client secret"), ((await Store.GetAsync(Delivery("dead").Id, default))!.EventJson, (await Store.GetAsync(Delivery("dead").Id, default))!.LastError));
        Assert.True((await Store.EnqueueAsync(Delivery("old"), T0.AddDays(41), default)) is { Created: false, Conflict: false });
    }

    [Fact]
    public async Task The_same_delivery_enqueued_by_two_hosts_at_once_is_created_once()
    {
        var other = await OpenAnotherAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? Store : other).EnqueueAsync(Delivery(), T0, default)));

        Assert.Equal(1, results.Count(r => r.Created));
        Assert.All(results, r => Assert.Equal(Delivery().Id, r.Record.Id));
    }

    [Fact]
    public async Task A_claim_takes_a_due_pending_delivery_once_and_counts_the_attempt()
    {
        await Store.EnqueueAsync(Delivery(), T0, default);

        var claimed = await Store.TryClaimAsync(Delivery().Id, T0, default);
        var second = await Store.TryClaimAsync(Delivery().Id, T0, default);

        Assert.Equal((DeliveryStatus.InFlight, 1), (claimed?.Status, claimed?.Attempts));
        Assert.Null(second);
        Assert.Null(await Store.TryClaimAsync("no-such-delivery", T0, default));
    }

    [Fact]
    public async Task Of_many_claims_racing_from_two_hosts_exactly_one_wins()
    {
        var other = await OpenAnotherAsync();
        var ids = Enumerable.Range(0, 8).Select(i => Delivery($"race-{i}").Id).ToArray();
        foreach (var i in Enumerable.Range(0, 8))
        {
            await Store.EnqueueAsync(Delivery($"race-{i}"), T0, default);
        }

        var claims = await Task.WhenAll(ids.SelectMany(id => Enumerable.Range(0, 6).Select(n => (n % 2 == 0 ? Store : other).TryClaimAsync(id, T0, default))));

        Assert.Equal(ids.Order(), claims.OfType<DeliveryRecord>().Select(c => c.Id).Order());
        Assert.All(claims.OfType<DeliveryRecord>(), c => Assert.Equal(1, c.Attempts));
    }

    [Fact]
    public async Task Success_records_the_outcome_once()
    {
        await Store.EnqueueAsync(Delivery(), T0, default);
        await Store.TryClaimAsync(Delivery().Id, T0, default);

        Assert.True(await Store.MarkSucceededAsync(Delivery().Id, ActionOutcome.Success("ext-1", "CAS-01000", new Uri("https://crm.example/1"), ["agent not found"]), T0.AddSeconds(1), default));

        var record = await Store.GetAsync(Delivery().Id, default);
        Assert.Equal((DeliveryStatus.Succeeded, "ext-1", "CAS-01000", new Uri("https://crm.example/1"), T0.AddSeconds(1)), (record!.Status, record.ExternalId, record.Number, record.Url, record.UpdatedAt));
        Assert.Equal(["agent not found"], record.Notes);
        Assert.False(await Store.MarkSucceededAsync(Delivery().Id, ActionOutcome.Success("ext-2"), T0, default));
        Assert.False(await Store.RescheduleAsync(Delivery().Id, T0, "late", T0, default));
        Assert.False(await Store.DeadLetterAsync(Delivery().Id, "late", "auth.invalid-secret", T0, default));
        Assert.Equal("ext-1", (await Store.GetAsync(Delivery().Id, default))!.ExternalId);
    }

    [Fact]
    public async Task Only_an_in_flight_delivery_can_be_settled()
    {
        await Store.EnqueueAsync(Delivery(), T0, default);

        Assert.False(await Store.MarkSucceededAsync(Delivery().Id, ActionOutcome.Success("ext-1"), T0, default));
        Assert.False(await Store.RescheduleAsync(Delivery().Id, T0.AddMinutes(1), "HTTP 503", T0, default));
        Assert.False(await Store.DeadLetterAsync(Delivery().Id, "bad", "auth.invalid-secret", T0, default));
        Assert.Equal((DeliveryStatus.Pending, 0), ((await Store.GetAsync(Delivery().Id, default))!.Status, (await Store.GetAsync(Delivery().Id, default))!.Attempts));
    }

    [Fact]
    public async Task A_rescheduled_delivery_cannot_be_claimed_before_it_is_due_and_keeps_its_last_error()
    {
        await Store.EnqueueAsync(Delivery(), T0, default);
        await Store.TryClaimAsync(Delivery().Id, T0, default);

        await Store.RescheduleAsync(Delivery().Id, T0.AddSeconds(30), "HTTP 503", T0, default);

        var record = await Store.GetAsync(Delivery().Id, default);
        Assert.Equal((DeliveryStatus.Pending, T0.AddSeconds(30), "HTTP 503"), (record!.Status, record.NextAttemptAt, record.LastError));
        Assert.Null(await Store.TryClaimAsync(Delivery().Id, T0.AddSeconds(29), default));
        Assert.Equal(2, (await Store.TryClaimAsync(Delivery().Id, T0.AddSeconds(30), default))?.Attempts);

        await Store.RescheduleAsync(Delivery().Id, T0.AddSeconds(90), error: null, T0.AddSeconds(30), default);
        Assert.Equal("HTTP 503", (await Store.GetAsync(Delivery().Id, default))!.LastError);
    }

    [Fact]
    public async Task A_dead_letter_can_be_retried_with_a_new_window_or_discarded()
    {
        await Store.EnqueueAsync(Delivery("a"), T0, default);
        await Store.EnqueueAsync(Delivery("b"), T0, default);
        foreach (var id in new[] { Delivery("a").Id, Delivery("b").Id })
        {
            await Store.TryClaimAsync(id, T0, default);
            await Store.DeadLetterAsync(id, "invalid client secret", "auth.invalid-secret", T0, default);
        }

        Assert.Equal(2, (await Store.ListAsync(DeliveryStatus.DeadLettered, 10, default)).Count);
        Assert.True(await Store.RetryAsync(Delivery("a").Id, T0.AddHours(1), default));
        Assert.False(await Store.RetryAsync(Delivery("a").Id, T0.AddHours(1), default));
        Assert.True(await Store.DiscardAsync(Delivery("b").Id, default));
        Assert.False(await Store.DiscardAsync(Delivery("b").Id, default));

        var retried = await Store.GetAsync(Delivery("a").Id, default);
        Assert.Equal((DeliveryStatus.Pending, T0.AddHours(1), T0.AddHours(1), "invalid client secret"), (retried!.Status, retried.NextAttemptAt, retried.RetryWindowStart, retried.LastError));
        Assert.Null(await Store.GetAsync(Delivery("b").Id, default));
        Assert.Empty(await Store.ListAsync(DeliveryStatus.DeadLettered, 10, default));
    }

    [Fact]
    public async Task Dead_letters_are_listed_and_retried_by_code_prefix_account_and_time()
    {
        foreach (var (id, account, code, minute) in new[] { ("a", "contoso", "auth.invalid-secret", 0), ("b", "fabrikam", "auth.expired-secret", 5), ("c", "contoso", "data.invalid", 10) })
        {
            await Store.EnqueueAsync(Delivery(id, account: account), T0, default);
            await Store.TryClaimAsync(Delivery(id, account: account).Id, T0, default);
            await Store.DeadLetterAsync(Delivery(id, account: account).Id, "refused", code, T0.AddMinutes(minute), default);
        }

        Assert.Equal(["a", "b"], (await Store.ListMatchingAsync(new DeliveryFilter { Code = "auth.*" }, 10, default)).Select(r => r.EventId).Order());
        Assert.Equal(["c"], (await Store.ListMatchingAsync(new DeliveryFilter { Account = "contoso", Since = T0.AddMinutes(1) }, 10, default)).Select(r => r.EventId));
        Assert.Equal(("data.invalid", "refused"), ((await Store.GetAsync(Delivery("c").Id, default))!.FailureCode, (await Store.GetAsync(Delivery("c").Id, default))!.LastError));

        Assert.Equal(1, await Store.RetryManyAsync(new DeliveryFilter { Status = DeliveryStatus.DeadLettered, Code = "auth.invalid-secret" }, T0.AddHours(1), default));
        Assert.Equal(0, await Store.RetryManyAsync(new DeliveryFilter { Status = DeliveryStatus.DeadLettered, Code = "auth.invalid-secret" }, T0.AddHours(1), default));
        Assert.Equal(["b", "c"], (await Store.ListMatchingAsync(new DeliveryFilter { Status = DeliveryStatus.DeadLettered }, 10, default)).Select(r => r.EventId).Order());
        Assert.Equal((DeliveryStatus.Pending, T0.AddHours(1)), ((await Store.GetAsync(Delivery("a").Id, default))!.Status, (await Store.GetAsync(Delivery("a").Id, default))!.RetryWindowStart));
    }

    [Fact]
    public async Task A_pending_delivery_can_be_discarded_but_not_a_succeeded_or_in_flight_one()
    {
        await Store.EnqueueAsync(Delivery("pending"), T0, default);
        await Store.EnqueueAsync(Delivery(), T0, default);
        await Store.TryClaimAsync(Delivery().Id, T0, default);

        Assert.True(await Store.DiscardAsync(Delivery("pending").Id, default));
        Assert.False(await Store.DiscardAsync(Delivery().Id, default));
        await Store.MarkSucceededAsync(Delivery().Id, ActionOutcome.Success("x"), T0, default);
        Assert.False(await Store.DiscardAsync(Delivery().Id, default));
    }

    [Fact]
    public async Task The_list_is_oldest_first_filtered_by_status_and_limited()
    {
        foreach (var (id, minute) in new[] { ("c", 3), ("a", 1), ("b", 2) })
        {
            await Store.EnqueueAsync(Delivery(id), T0.AddMinutes(minute), default);
        }

        await Store.TryClaimAsync(Delivery("b").Id, T0.AddMinutes(5), default);

        Assert.Equal(["a", "b", "c"], (await Store.ListAsync(null, 10, default)).Select(r => r.EventId));
        Assert.Equal(["a", "c"], (await Store.ListAsync(DeliveryStatus.Pending, 10, default)).Select(r => r.EventId));
        Assert.Equal(["b"], (await Store.ListAsync(DeliveryStatus.InFlight, 10, default)).Select(r => r.EventId));
        Assert.Equal(["a", "b"], (await Store.ListAsync(null, 2, default)).Select(r => r.EventId));
        Assert.Equal(3, (await Store.ListAsync(null, int.MaxValue, default)).Count);
    }

    [Fact]
    public async Task The_recent_list_is_last_changed_first_filtered_between_two_times_and_limited()
    {
        foreach (var (id, minute) in new[] { ("c", 3), ("a", 1), ("b", 2), ("d", 4) })
        {
            await Store.EnqueueAsync(Delivery(id, account: id == "d" ? "other" : "contoso"), T0.AddMinutes(minute), default);
        }

        // Claiming "a" at minute 10 makes it the last changed.
        await Store.TryClaimAsync(Delivery("a").Id, T0.AddMinutes(10), default);

        Assert.Equal(["a", "d", "c", "b"], (await Store.ListRecentAsync(DeliveryFilter.All, 10, default)).Select(r => r.EventId));
        Assert.Equal(["a", "d"], (await Store.ListRecentAsync(DeliveryFilter.All, 2, default)).Select(r => r.EventId));
        Assert.Equal(["c", "b"], (await Store.ListRecentAsync(new DeliveryFilter { Status = DeliveryStatus.Pending, Account = "contoso" }, 10, default)).Select(r => r.EventId));
        Assert.Equal(["d", "c"], (await Store.ListRecentAsync(new DeliveryFilter { Since = T0.AddMinutes(3), Until = T0.AddMinutes(4) }, 10, default)).Select(r => r.EventId));
        Assert.Empty(await Store.ListRecentAsync(new DeliveryFilter { Until = T0 }, 10, default));
    }

    [Fact]
    public async Task Times_are_kept_to_the_millisecond()
    {
        var at = T0.AddTicks(1_234_5678).ToOffset(TimeSpan.FromHours(2));

        var record = (await Store.EnqueueAsync(Delivery(), at, default)).Record;

        Assert.Equal(T0.AddMilliseconds(1234), record.CreatedAt);
        Assert.Equal(TimeSpan.Zero, record.CreatedAt.Offset);
    }

    [Fact]
    public async Task Deliveries_survive_a_reopen_and_in_flight_ones_are_recovered()
    {
        await Store.EnqueueAsync(Delivery("a"), T0, default);
        await Store.EnqueueAsync(Delivery("b"), T0, default);
        await Store.TryClaimAsync(Delivery("a").Id, T0, default);

        var reopened = await OpenAnotherAsync();
        var recovered = await reopened.RecoverInFlightAsync(T0.AddMinutes(1), default);

        Assert.Equal(1, recovered);
        var records = await reopened.ListAsync(DeliveryStatus.Pending, 10, default);
        Assert.Equal(new[] { Delivery("a").Id, Delivery("b").Id }.Order(), records.Select(r => r.Id).Order());
        Assert.Equal((1, T0.AddMinutes(1)), (records.Single(r => r.Id == Delivery("a").Id).Attempts, records.Single(r => r.Id == Delivery("a").Id).NextAttemptAt));
        Assert.NotNull(await reopened.TryClaimAsync(Delivery("a").Id, T0.AddMinutes(1), default));
    }

    // ---- Leases (ClaimDueAsync): the workers of one host or of several.
    private static DeliveryClaim Claim(string owner, DateTimeOffset now, int limit = 10, int capacity = 16, Dictionary<string, int>? busy = null) =>
        new(owner, now, TimeSpan.FromMinutes(5), limit, capacity, busy ?? []);

    [Fact]
    public async Task One_calls_deliveries_are_taken_one_at_a_time_in_accept_order()
    {
        var first = Delivery("call-1", "a-trigger");
        var second = Delivery("call-1", "b-trigger");
        await Store.EnqueueManyAsync([second, first], T0, default);

        var claimed = await Store.ClaimDueAsync(Claim("w1", T0), default);
        Assert.Equal([second.Id], claimed.Select(d => d.Id));
        Assert.Empty(await Store.ClaimDueAsync(Claim("w2", T0), default));

        await Store.RescheduleAsync(second.Id, T0.AddMinutes(1), "HTTP 503", T0, default);
        Assert.Empty(await Store.ClaimDueAsync(Claim("w2", T0.AddSeconds(30)), default));

        var retried = await Store.ClaimDueAsync(Claim("w2", T0.AddMinutes(1)), default);
        Assert.Equal([second.Id], retried.Select(d => d.Id));
        await Store.MarkSucceededAsync(second.Id, ActionOutcome.Success("ticket-1"), T0.AddMinutes(1), default);
        Assert.Equal([first.Id], (await Store.ClaimDueAsync(Claim("w2", T0.AddMinutes(1)), default)).Select(d => d.Id));
    }

    [Fact]
    public async Task Claims_alternate_between_accounts_so_a_backlog_never_starves_another_account()
    {
        await Store.EnqueueManyAsync([.. Enumerable.Range(1, 6).Select(i => Delivery($"big-{i}", account: "big"))], T0, default);
        await Store.EnqueueManyAsync([.. Enumerable.Range(1, 2).Select(i => Delivery($"small-{i}", account: "small"))], T0, default);

        var claimed = await Store.ClaimDueAsync(Claim("w1", T0, limit: 4), default);

        Assert.Equal(["big-1", "big-2", "small-1", "small-2"], claimed.Select(d => d.EventId).Order());
    }

    [Fact]
    public async Task An_account_gets_at_most_its_free_capacity()
    {
        await Store.EnqueueManyAsync([.. Enumerable.Range(1, 5).Select(i => Delivery($"c-{i}"))], T0, default);

        var claimed = await Store.ClaimDueAsync(Claim("w1", T0, capacity: 3, busy: new() { ["contoso"] = 2 }), default);

        var single = Assert.Single(claimed);
        Assert.Equal(("c-1", "w1", DeliveryStatus.InFlight, 1, T0.AddMinutes(5)), (single.EventId, single.LeaseOwner, single.Status, single.Attempts, single.LeaseExpiresAt));
    }

    [Fact]
    public async Task A_dead_hosts_deliveries_come_back_when_their_lease_expires_and_a_release_returns_them_at_once()
    {
        await Store.EnqueueManyAsync([Delivery("call-1"), Delivery("call-2")], T0, default);
        Assert.Equal(2, (await Store.ClaimDueAsync(Claim("dead", T0), default)).Count);
        var other = await OpenAnotherAsync();

        Assert.Empty(await other.ClaimDueAsync(Claim("alive", T0.AddMinutes(4)), default));
        var taken = await other.ClaimDueAsync(Claim("alive", T0.AddMinutes(5)), default);
        Assert.Equal(2, taken.Count);
        Assert.All(taken, d => Assert.Equal(("alive", 2), (d.LeaseOwner, d.Attempts)));

        Assert.Equal(0, await Store.ReleaseLeasesAsync("dead", T0.AddMinutes(6), default));
        Assert.Equal(2, await other.ReleaseLeasesAsync("alive", T0.AddMinutes(6), default));
        var released = await Store.ListAsync(DeliveryStatus.Pending, 10, default);
        Assert.Equal(2, released.Count);
        Assert.All(released, d => Assert.Equal((null, null, T0.AddMinutes(6)), (d.LeaseOwner, d.LeaseExpiresAt, d.NextAttemptAt)));
    }

    [Fact]
    public async Task A_dead_letter_drops_its_lease_keeps_its_code_does_not_hold_up_its_call_and_is_claimed_again_once_retried()
    {
        await Store.EnqueueManyAsync([Delivery("call-1", "first"), Delivery("call-1", "second")], T0, default);
        var first = Assert.Single(await Store.ClaimDueAsync(Claim("host-a", T0), default));
        Assert.True(await Store.DeadLetterAsync(first.Id, "invalid client secret", "auth.invalid-secret", T0, default));
        var dead = await Store.GetAsync(first.Id, default);
        Assert.Equal((DeliveryStatus.DeadLettered, null, null, "auth.invalid-secret"), (dead!.Status, dead.LeaseOwner, dead.LeaseExpiresAt, dead.FailureCode));

        var other = await OpenAnotherAsync();
        var second = Assert.Single(await other.ClaimDueAsync(Claim("host-b", T0), default));
        Assert.Equal(Delivery("call-1", "second").Id, second.Id);
        Assert.True(await other.MarkSucceededAsync(second.Id, ActionOutcome.Success("x"), T0, default));

        Assert.Equal(1, await other.RetryManyAsync(new DeliveryFilter { Code = "auth.*" }, T0.AddHours(1), default));
        var again = Assert.Single(await other.ClaimDueAsync(Claim("host-b", T0.AddHours(1)), default));
        Assert.Equal((first.Id, "host-b", 2, T0.AddHours(1).AddMinutes(5)), (again.Id, again.LeaseOwner, again.Attempts, again.LeaseExpiresAt));
    }

    [Fact]
    public async Task A_group_enqueue_keeps_known_ids_as_they_are_and_numbers_new_ones_in_order()
    {
        var first = await Store.EnqueueManyAsync([Delivery("call-1"), Delivery("call-2")], T0, default);
        var again = await Store.EnqueueManyAsync([Delivery("call-2"), Delivery("call-3"), Delivery("call-3")], T0.AddMinutes(1), default);

        Assert.All(first, r => Assert.True(r.Created));
        Assert.Equal([false, true, false], again.Select(r => r.Created));
        Assert.Equal(first[1].Record.Sequence, again[0].Record.Sequence);
        Assert.True(first[1].Record.Sequence > first[0].Record.Sequence);
        Assert.True(again[1].Record.Sequence > first[1].Record.Sequence);
        Assert.Equal(("call-3", again[1].Record.Sequence), (again[2].Record.CallKey, again[2].Record.Sequence));
    }

    [Fact]
    public async Task Hosts_claiming_at_once_never_take_one_delivery_twice_nor_two_of_one_call()
    {
        var hosts = new[] { Store, await OpenAnotherAsync(), await OpenAnotherAsync() };
        var deliveries = Enumerable.Range(0, 30).SelectMany(call => new[] { Delivery($"call-{call}", "first"), Delivery($"call-{call}", "second") }).ToList();
        await Store.EnqueueManyAsync(deliveries, T0, default);
        var taken = new List<DeliveryRecord>();

        for (var round = 0; round < 10 && taken.Count < deliveries.Count; round++)
        {
            var claims = await Task.WhenAll(hosts.Select((h, i) => h.ClaimDueAsync(Claim($"host-{i}", T0, limit: 7), default)));
            var batch = claims.SelectMany(c => c).ToList();
            Assert.Equal(batch.Count, batch.Select(b => b.CallKey).Distinct().Count());
            taken.AddRange(batch);
            await Task.WhenAll(batch.Select(b => Store.MarkSucceededAsync(b.Id, ActionOutcome.Success("x"), T0, default)));
        }

        Assert.Equal(deliveries.Select(d => d.Id).Order(), taken.Select(t => t.Id).Order());
    }

    [Fact]
    public async Task Next_due_and_stats_follow_the_queue()
    {
        Assert.Null(await Store.NextDueAsync(default));
        await Store.EnqueueAsync(Delivery("a"), T0, default);
        await Store.EnqueueAsync(Delivery("b"), T0.AddMinutes(1), default);
        await Store.ClaimDueAsync(Claim("host-1", T0.AddMinutes(1), limit: 1), default);

        Assert.Equal(T0.AddMinutes(1), await Store.NextDueAsync(default));
        var stats = await Store.GetStatsAsync(default);
        Assert.Equal((1L, 1L, T0.AddMinutes(1)), (stats.CountByStatus[DeliveryStatus.Pending], stats.CountByStatus[DeliveryStatus.InFlight], stats.OldestPendingCreatedAt));
        Assert.True(await Store.IsWritableAsync(default));
    }
}

/// <summary>The contract on the default store: SQLite in a data folder.</summary>
public sealed class SqliteStoreContractTests : DeliveryStoreContract
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "triggerplugins-tests", Guid.NewGuid().ToString("N"));

    protected override Task<(string? Setting, string DataDirectory)> StorageAsync() => Task.FromResult<(string?, string)>(("sqlite", _data));

    protected override Task<(string? Setting, string DataDirectory)> EmptyStorageAsync() => Task.FromResult<(string?, string)>(("sqlite", Path.Combine(_data, "empty")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}

/// <summary>The contract on PostgreSQL 15: a fresh database per test in the collection's throwaway cluster.</summary>
[Collection(PostgreSqlTests.Name)]
public sealed class PostgreSqlStoreContractTests(PostgreSqlServer server) : DeliveryStoreContract
{
    private string? _connectionString;

    protected override async Task<(string? Setting, string DataDirectory)> StorageAsync()
    {
        _connectionString ??= await server.Cluster.CreateDatabaseAsync();
        return ($"postgres:{_connectionString}", "/nonexistent-unused");
    }

    protected override async Task<(string? Setting, string DataDirectory)> EmptyStorageAsync() => ($"postgres:{await server.Cluster.CreateDatabaseAsync()}", "/nonexistent-unused");
}
