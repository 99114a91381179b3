using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.Host.RateLimits;

namespace TriggerPlugins.Host.Tests.RateLimits;

/// <summary>The budgets of a host with its own queue (SQLite), on a fake clock.</summary>
public sealed class InMemorySharedRateLimitsTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Permits_are_granted_in_blocks_up_to_the_limit_and_freed_when_the_block_leaves_the_window()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limits = new InMemorySharedRateLimits(time);
        var lifetime = SharedRateLimitRules.BlockLifetime(Window);
        Assert.Equal(TimeSpan.FromMilliseconds(500), lifetime); // a twentieth of 10 s, under the 1 s cap

        var granted = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            granted.Add((await limits.TakeAsync("user-a", 4, 10, Window, default)).Granted);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal([4, 4, 2, 0, 0], granted);
        var full = await limits.TakeAsync("user-a", 4, 10, Window, default);
        Assert.Equal(0, full.Granted);
        Assert.Null(full.ClosedFor);
        // The first block counts until its use-by time plus the window: 0.5 s + 10 s after it was granted, 0.5 s ago.
        Assert.Equal(lifetime + Window - TimeSpan.FromMilliseconds(500), full.RetryAfter);

        // Another key has its own budget.
        Assert.Equal(4, (await limits.TakeAsync("user-b", 4, 10, Window, default)).Granted);

        time.Advance(full.RetryAfter - TimeSpan.FromTicks(1));
        Assert.Equal(0, (await limits.TakeAsync("user-a", 4, 10, Window, default)).Granted);
        time.Advance(TimeSpan.FromTicks(1));
        var freed = await limits.TakeAsync("user-a", 4, 10, Window, default);
        Assert.Equal(4, freed.Granted);
        Assert.Equal(lifetime, freed.UseWithin);
    }

    [Fact]
    public async Task In_any_window_the_permits_granted_never_exceed_the_limit()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limits = new InMemorySharedRateLimits(time);
        var grants = new List<(DateTimeOffset At, int Count)>();
        var random = new Random(15);
        for (var step = 0; step < 2_000; step++)
        {
            var permits = await limits.TakeAsync("user", random.Next(1, 8), 25, Window, default);
            if (permits.Granted > 0)
            {
                grants.Add((time.GetUtcNow(), permits.Granted));
            }

            time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 60)));
        }

        // A grant counts from when it was made until its use-by time plus the window: never more than 25 at once.
        var counted = Window + SharedRateLimitRules.BlockLifetime(Window);
        Assert.All(grants, g => Assert.InRange(grants.Where(o => o.At <= g.At && o.At > g.At - counted).Sum(o => o.Count), 1, 25));
        Assert.True(grants.Sum(g => g.Count) > 25 * 5, "the budget was spent again window after window");
    }

    [Fact]
    public async Task A_close_holds_the_key_until_it_ends_and_an_earlier_close_never_shortens_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limits = new InMemorySharedRateLimits(time);
        await limits.CloseAsync("user", TimeSpan.FromSeconds(30), default);
        await limits.CloseAsync("user", TimeSpan.FromSeconds(5), default);

        var closed = await limits.TakeAsync("user", 4, 10, Window, default);
        Assert.Equal(0, closed.Granted);
        Assert.Equal(TimeSpan.FromSeconds(30), closed.ClosedFor);
        Assert.Equal(TimeSpan.FromSeconds(30), closed.RetryAfter);

        time.Advance(TimeSpan.FromSeconds(30));
        var open = await limits.TakeAsync("user", 4, 10, Window, default);
        Assert.Equal(4, open.Granted);
        Assert.Null(open.ClosedFor);
    }

    [Fact]
    public async Task Arguments_no_budget_can_honour_are_refused()
    {
        var limits = new InMemorySharedRateLimits(TimeProvider.System);
        await Assert.ThrowsAsync<ArgumentException>(() => limits.TakeAsync("", 1, 10, Window, default).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => limits.TakeAsync(new string('k', 401), 1, 10, Window, default).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => limits.TakeAsync("user", 0, 10, Window, default).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => limits.TakeAsync("user", 1, 0, Window, default).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => limits.TakeAsync("user", 1, 10, TimeSpan.Zero, default).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => limits.CloseAsync("user", TimeSpan.Zero, default).AsTask());
    }

    [Fact]
    public void A_block_lives_at_most_a_second_and_at_most_a_twentieth_of_the_window()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), SharedRateLimitRules.BlockLifetime(TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromMilliseconds(250), SharedRateLimitRules.BlockLifetime(TimeSpan.FromSeconds(5)));
    }
}
