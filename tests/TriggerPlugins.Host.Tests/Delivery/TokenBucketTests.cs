using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Host.Tests.Delivery;

public sealed class TokenBucketTests
{
    [Fact]
    public async Task A_full_bucket_serves_its_capacity_then_one_token_per_interval()
    {
        var time = new FakeTimeProvider();
        using var bucket = new TokenBucket(2, TimeSpan.FromSeconds(10), time);

        await bucket.TakeAsync(default);
        await bucket.TakeAsync(default);
        var third = bucket.TakeAsync(default);
        var fourth = bucket.TakeAsync(default);

        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        await third;
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        await fourth;
    }

    [Fact]
    public async Task A_quiet_bucket_refills_to_capacity_only()
    {
        var time = new FakeTimeProvider();
        using var bucket = new TokenBucket(2, TimeSpan.FromSeconds(10), time);
        await bucket.TakeAsync(default);
        await bucket.TakeAsync(default);

        time.Advance(TimeSpan.FromHours(1));
        await bucket.TakeAsync(default);
        await bucket.TakeAsync(default);

        Assert.False(bucket.TakeAsync(default).IsCompleted);
    }

    [Fact]
    public async Task A_cancelled_wait_throws()
    {
        var time = new FakeTimeProvider();
        using var bucket = new TokenBucket(1, TimeSpan.FromSeconds(10), time);
        await bucket.TakeAsync(default);
        using var cancel = new CancellationTokenSource();

        var waiting = bucket.TakeAsync(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
