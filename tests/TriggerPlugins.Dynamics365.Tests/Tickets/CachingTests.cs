using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.Dynamics365.Caching;
using TriggerPlugins.Dynamics365.Tickets;

namespace TriggerPlugins.Dynamics365.Tests.Tickets;

public sealed class CachingTests
{
    [Fact]
    public void Incident_ids_are_deterministic_per_delivery_and_distinct_across_deliveries()
    {
        var first = IncidentIds.FromDelivery("delivery-1");
        Assert.Equal(first, IncidentIds.FromDelivery("delivery-1"));
        Assert.NotEqual(first, IncidentIds.FromDelivery("delivery-2"));
        // RFC 9562: version 8 in the 13th hex digit, variant 10xx in the 17th.
        var text = first.ToString("N");
        Assert.Equal('8', text[12]);
        Assert.Contains(text[16], "89ab");
    }

    [Fact]
    public void Cache_entries_expire_by_the_hosts_clock()
    {
        var time = new FakeTimeProvider();
        var cache = new TtlCache<int>(capacity: 10, time);
        cache.Set("a", 1, TimeSpan.FromMinutes(10));

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.True(cache.TryGet("a", out var value));
        Assert.Equal(1, value);

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(cache.TryGet("a", out _));
    }

    [Fact]
    public void The_cache_is_bounded()
    {
        var time = new FakeTimeProvider();
        var cache = new TtlCache<int>(capacity: 100, time);
        for (var i = 0; i < 1000; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            cache.Set($"k{i}", i, TimeSpan.FromHours(1));
        }

        Assert.InRange(cache.Count, 1, 100);
        Assert.True(cache.TryGet("k999", out _));
    }

    [Fact]
    public async Task Keyed_locks_serialise_one_key_but_not_others_and_are_dropped_when_free()
    {
        var locks = new KeyedLocks();
        var first = await locks.AcquireAsync("+390612345678", CancellationToken.None);

        var same = locks.AcquireAsync("+390612345678", CancellationToken.None);
        var other = await locks.AcquireAsync("+441632960961", CancellationToken.None);
        Assert.False(same.IsCompleted);

        first.Dispose();
        (await same).Dispose();
        other.Dispose();
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_no_lock_behind()
    {
        var locks = new KeyedLocks();
        var held = await locks.AcquireAsync("k", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = locks.AcquireAsync("k", cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();

        Assert.Equal(0, locks.Count);
    }
}
