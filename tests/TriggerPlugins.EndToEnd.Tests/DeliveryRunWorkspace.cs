using System.Diagnostics;
using TriggerPlugins.Tests.Shared;
using Xunit.Abstractions;

namespace TriggerPlugins.EndToEnd.Tests;

/// <summary>
/// What the delivery-guarantee classes share: the real `triggers run` process over a file of calls, against the
/// emulator's fault injection, and the exactly-one-ticket check.
/// </summary>
public abstract class DeliveryRunWorkspace(ITestOutputHelper output) : EmulatorWorkspace("triggers-e2e")
{
    /// <summary>The test's output (figures a run printed).</summary>
    protected ITestOutputHelper Output { get; } = output;

    protected async Task RunAndAssertExactlyOneTicketPerCallAsync(string prefix, int calls, int? faultStatus)
    {
        var events = WriteEvents(prefix, calls);
        var clock = Stopwatch.StartNew();

        var result = await TriggersProcess.RunAsync(
            RunArguments(events, Path.Combine(Work, $"data-{prefix}"), parallel: 8), Fixture.Environment, timeout: TimeSpan.FromMinutes(4));

        Assert.True(result.ExitCode == 0, result.All);
        AssertExactlyOneTicketPerCall(prefix, calls);
        var requests = Emulator.Requests.Snapshot().Where(r => r.Path.StartsWith("/api/data/", StringComparison.Ordinal)).ToList();
        var faults = faultStatus is { } status ? requests.Count(r => r.Status == status) : requests.Count(r => r.Status == 0);
        if (faultStatus is not null)
        {
            Assert.True(faults > 0, "the fault injection did not fire: the test proved nothing");
        }

        Output.WriteLine($"{prefix}: {calls} calls, {TicketsByCall(prefix).Count} tickets, {requests.Count} Web API requests, {faults} injected faults seen, {clock.Elapsed.TotalSeconds:F1} s");
    }

    protected string WriteEvents(string prefix, int calls)
    {
        var path = Path.Combine(Work, $"{prefix}.ndjson");
        File.WriteAllText(path, CallEvents.AnsweredInbound(prefix, calls));
        return path;
    }

    protected static string[] RunArguments(string events, string data, int parallel) =>
    [
        "run", "--config", Path.Combine(TriggersProcess.SamplesDirectory, "config"), "--events", events, "--data", data,
        "--parallel", parallel.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--retry-base-delay", "100ms", "--retry-max-delay", "2s", "--retry-deadline", "3m",
    ];
}
