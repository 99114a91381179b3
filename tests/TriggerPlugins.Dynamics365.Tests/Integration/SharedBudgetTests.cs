using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Tests.Support;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Host.RateLimits;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>
/// Issue #15: one Dynamics budget per user, shared by the hosts. Two instances of the plugin, each loaded from its
/// folder by its own catalog (as two hosts load it), are given the same request budgets.
/// </summary>
public sealed class SharedBudgetTests
{
    [Fact]
    public async Task A_429_seen_by_one_plugin_instance_closes_the_user_in_another_sharing_the_budget()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var budget = new InMemorySharedRateLimits(time);
        await using var harness = await EmulatorHarness.StartAsync(time: time, sharedRateLimits: budget);
        await using var otherHost = PluginCatalog.Load(Path.Combine(AppContext.BaseDirectory, "plugins"), NullLoggerFactory.Instance, time, budget);
        Assert.True(otherHost.TryGetAction("dynamics365", out var other), string.Join("; ", otherHost.Failures));
        Task<ActionOutcome> OnOther(string id) => other.ExecuteAsync(harness.Request(SampleCalls.Inbound with { Id = id }, id), CancellationToken.None);

        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound with { Id = "shared-1" }, "shared-1"));
        Assert.IsType<ActionSucceeded>(await OnOther("shared-2"));

        // Dataverse throttles the user on the first instance's next request.
        harness.Emulator.Faults.RetryAfter = TimeSpan.FromSeconds(20);
        harness.Emulator.Faults.TooManyRequestsRate = 1;
        var throttled = Assert.IsType<ActionFailedTransient>(await harness.ExecuteAsync(SampleCalls.Inbound with { Id = "shared-3" }, "shared-3"));
        Assert.NotNull(throttled.RetryAfter);
        harness.Emulator.Faults.TooManyRequestsRate = 0;
        var sent = harness.Emulator.Requests.Snapshot().Count;

        // Once its block of permits has run out (1 s at most), the other instance sends none of the user's requests.
        time.Advance(TimeSpan.FromSeconds(1));
        var held = Assert.IsType<ActionFailedTransient>(await OnOther("shared-4"));
        Assert.Contains("seen by another host", held.Reason, StringComparison.Ordinal);
        Assert.InRange(held.RetryAfter!.Value, TimeSpan.FromSeconds(19), TimeSpan.FromSeconds(21));
        Assert.Equal(sent, harness.Emulator.Requests.Snapshot().Count);

        // Reopened for both after Retry-After plus the margin.
        time.Advance(TimeSpan.FromSeconds(21));
        Assert.IsType<ActionSucceeded>(await OnOther("shared-4"));
        Assert.IsType<ActionSucceeded>(await harness.ExecuteAsync(SampleCalls.Inbound with { Id = "shared-5" }, "shared-5"));
    }
}
