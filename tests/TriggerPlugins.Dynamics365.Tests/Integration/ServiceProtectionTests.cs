using TriggerPlugins.Abstractions;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Dynamics365.Tests.Support;
using static TriggerPlugins.Dynamics365.Tests.Support.DemoTenant;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>
/// The emulator's documented per-user service protection, time-scaled (x100: 60 requests per 3 s); the host-loaded
/// plugin closes the whole user on a 429 and sends nothing into the open window.
/// </summary>
public sealed class ServiceProtectionTests(LoadedPlugin plugin) : IClassFixture<LoadedPlugin>
{
    [Fact]
    public async Task After_a_429_no_request_of_the_user_is_sent_until_Retry_After_has_passed_then_tickets_flow_again()
    {
        var faults = new EmulatorFaults();
        faults.UseDocumentedServiceProtection(timeScale: 100);
        await using var harness = await EmulatorHarness.StartAsync(plugin, new EmulatorOptions { Faults = faults });
        var calls = 0;
        Task<ActionOutcome> NewCaller() => harness.ExecuteAsync(
            SampleCalls.Inbound with { Id = $"call-{++calls}", CallerNumber = $"+39 333 100 {calls:D4}", Agent = null }, $"delivery-{calls}");

        // One call at a time until the user's budget is spent (2 requests per call: lookup + create).
        ActionOutcome outcome;
        do
        {
            outcome = await NewCaller();
        }
        while (outcome is ActionSucceeded && calls < 100);

        var throttled = Assert.IsType<ActionFailedTransient>(outcome);
        Assert.NotNull(throttled.RetryAfter);
        var sent = harness.Emulator.Requests.Snapshot().Count;

        // The account's other deliveries, lookups included, are held by the plugin: nothing reaches Dataverse.
        var held = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => NewCaller()));
        Assert.All(held, o => Assert.Contains("Not sent by the plugin", Assert.IsType<ActionFailedTransient>(o).Reason, StringComparison.Ordinal));
        Assert.Equal(sent, harness.Emulator.Requests.Snapshot().Count);

        // Retried when the plugin says (bounded): the first attempt after the window succeeds.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        ActionOutcome retried;
        while ((retried = await NewCaller()) is ActionFailedTransient { RetryAfter: { } wait } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(wait);
        }

        Assert.IsType<ActionSucceeded>(retried);
        Assert.Equal(0, harness.Emulator.RequestsIntoOpenWindow);
        Assert.Single(harness.Emulator.Requests.Snapshot(), r => r.Status == 429);
        Assert.True(harness.Requests().Count(r => r == $"POST {Api}/$batch") >= 30);
    }
}
