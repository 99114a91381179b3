using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Host.Tests.Delivery;

public sealed class BackoffTests
{
    private static readonly DeliveryOptions Options = new() { BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromMinutes(1) };

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(5, 32)]
    [InlineData(6, 60)]
    [InlineData(40, 60)]
    public void The_delay_doubles_up_to_the_cap_with_jitter_in_the_upper_half(int attempt, int ceilingSeconds)
    {
        var random = new Random(7);
        for (var i = 0; i < 100; i++)
        {
            var delay = Backoff.NextDelay(attempt, null, Options, random);

            Assert.InRange(delay, TimeSpan.FromSeconds(ceilingSeconds / 2.0), TimeSpan.FromSeconds(ceilingSeconds));
        }
    }

    [Fact]
    public void Jitter_spreads_the_delays()
    {
        var random = new Random(7);

        Assert.True(Enumerable.Range(0, 20).Select(_ => Backoff.NextDelay(3, null, Options, random)).Distinct().Count() > 10);
    }

    [Fact]
    public void Retry_after_wins_when_longer()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), Backoff.NextDelay(1, TimeSpan.FromMinutes(5), Options, new Random(1)));
        Assert.InRange(Backoff.NextDelay(3, TimeSpan.FromMilliseconds(1), Options, new Random(1)), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
    }
}
