using System.Net;
using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.DataverseEmulator.Tests.Support;

namespace TriggerPlugins.DataverseEmulator.Tests.Faults;

/// <summary>The documented per-user limits (api-limits), time-scaled, on a fake clock.</summary>
public sealed class ServiceProtectionModeTests
{
    [Fact]
    public async Task Once_exceeded_every_request_of_the_user_is_refused_until_the_window_ends_and_hammering_extends_it()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var faults = new EmulatorFaults();
        faults.UseDocumentedServiceProtection(timeScale: 60); // 100 requests per 5 s
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions { Faults = faults, Clock = clock });
        using var app = await EmulatorClient.ForApplicationAsync(emulator);
        using var user = await EmulatorClient.ForUserAsync(emulator);

        for (var i = 0; i < 100; i++)
        {
            using var ok = await app.GetAsync("WhoAmI");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await app.GetAsync("WhoAmI");
        Assert.Equal((429, "0x80072322", "Number of requests exceeded the limit of 100 over time window of 5 seconds."), await EmulatorClient.ErrorOf(refused));
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter!.Delta);
        Assert.Equal(0, emulator.RequestsIntoOpenWindow);

        // Another user has its own budget.
        using var other = await user.GetAsync("WhoAmI");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        // Sending into the open window: refused, counted, and the window grows (by 1/300 of it each time).
        clock.Advance(TimeSpan.FromSeconds(4.9));
        for (var i = 0; i < 30; i++)
        {
            using var hammered = await app.GetAsync("WhoAmI");
            Assert.Equal(HttpStatusCode.TooManyRequests, hammered.StatusCode);
        }

        Assert.Equal(30, emulator.RequestsIntoOpenWindow);
        clock.Advance(TimeSpan.FromSeconds(0.2));
        using var stillClosed = await app.GetAsync("WhoAmI");
        Assert.Equal(HttpStatusCode.TooManyRequests, stillClosed.StatusCode);

        clock.Advance(TimeSpan.FromSeconds(5));
        using var reopened = await app.GetAsync("WhoAmI");
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
    }

    [Fact]
    public void The_time_scale_must_be_at_least_one()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new EmulatorFaults().ServiceProtectionTimeScale = 0.5);
}
