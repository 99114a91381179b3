using System.Diagnostics;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Tests.Shared;
using Xunit.Abstractions;

namespace TriggerPlugins.EndToEnd.Tests;

/// <summary>
/// Issue #7: under throttling, server errors, dropped connections and a killed host process, every call that matched
/// a trigger ends with exactly one ticket in Dynamics: none lost, none duplicated. The real `triggers run` process
/// runs against the emulator's fault injection.
/// </summary>
public sealed class DeliveryGuaranteeTests(ITestOutputHelper output) : EmulatorWorkspace("triggers-e2e")
{
    [Fact]
    public async Task Thirty_percent_429s_end_with_exactly_one_ticket_per_call()
    {
        Emulator.Faults.TooManyRequestsRate = 0.3;
        Emulator.Faults.RetryAfter = TimeSpan.FromMilliseconds(200);

        await RunAndAssertExactlyOneTicketPerCallAsync("throttled", calls: 40, faultStatus: 429);
    }

    [Fact]
    public async Task Twenty_percent_server_errors_end_with_exactly_one_ticket_per_call()
    {
        Emulator.Faults.ServerErrorRate = 0.2;

        await RunAndAssertExactlyOneTicketPerCallAsync("erroring", calls: 40, faultStatus: 503);
    }

    [Fact]
    public async Task Dropped_connections_end_with_exactly_one_ticket_per_call()
    {
        Emulator.Faults.DropConnectionRate = 0.15;

        await RunAndAssertExactlyOneTicketPerCallAsync("dropping", calls: 30, faultStatus: null);
    }

    [Fact]
    public async Task A_host_killed_mid_run_resumes_on_restart_without_losing_or_duplicating_a_ticket()
    {
        const int calls = 60;
        Emulator.Faults.Latency = TimeSpan.FromMilliseconds(150);
        var events = WriteEvents("killed", calls);
        var data = Path.Combine(Work, "data-killed");
        var arguments = RunArguments(events, data, parallel: 4);
        var clock = Stopwatch.StartNew();

        using (var first = Process.Start(TriggersProcess.StartInfo(arguments, Fixture.Environment))!)
        {
            first.StandardInput.Close();
            _ = first.StandardOutput.ReadToEndAsync();
            _ = first.StandardError.ReadToEndAsync();
            await WaitUntilAsync(() => TicketsByCall("killed").Count >= 10 || first.HasExited, TimeSpan.FromMinutes(2));
            Assert.False(first.HasExited, "the first run finished before it could be killed: slow the emulator down");
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        var beforeRestart = TicketsByCall("killed").Count;
        Assert.InRange(beforeRestart, 10, calls - 1);

        var second = await TriggersProcess.RunAsync(arguments, Fixture.Environment, timeout: TimeSpan.FromMinutes(4));

        Assert.True(second.ExitCode == 0, second.All);
        AssertExactlyOneTicketPerCall("killed", calls);
        output.WriteLine($"killed run: {calls} calls, {beforeRestart} tickets before the kill, {TicketsByCall("killed").Count} after the restart, {clock.Elapsed.TotalSeconds:F1} s in all");
    }

    private async Task RunAndAssertExactlyOneTicketPerCallAsync(string prefix, int calls, int? faultStatus)
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

        output.WriteLine($"{prefix}: {calls} calls, {TicketsByCall(prefix).Count} tickets, {requests.Count} Web API requests, {faults} injected faults seen, {clock.Elapsed.TotalSeconds:F1} s");
    }

    private string WriteEvents(string prefix, int calls)
    {
        var path = Path.Combine(Work, $"{prefix}.ndjson");
        File.WriteAllText(path, CallEvents.AnsweredInbound(prefix, calls));
        return path;
    }

    private static string[] RunArguments(string events, string data, int parallel) =>
    [
        "run", "--config", Path.Combine(TriggersProcess.SamplesDirectory, "config"), "--events", events, "--data", data,
        "--parallel", parallel.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--retry-base-delay", "100ms", "--retry-max-delay", "2s", "--retry-deadline", "3m",
    ];

    private void AssertExactlyOneTicketPerCall(string prefix, int calls)
    {
        var tickets = TicketsByCall(prefix);
        Assert.Equal(calls, tickets.Count);
        var duplicated = tickets.Where(t => t.Value > 1).Select(t => t.Key).ToList();
        Assert.True(duplicated.Count == 0, $"calls with more than one ticket: {string.Join(", ", duplicated)}");
    }

    /// <summary>Tickets in the emulator per call id (the default description ends its facts with "Call id: ...").</summary>
    private Dictionary<string, int> TicketsByCall(string prefix) =>
        Emulator.Store.Records("incidents")
            .Select(r => TicketCallId.Of(r))
            .Where(id => id is not null && id.StartsWith(prefix + "-", StringComparison.Ordinal))
            .GroupBy(id => id!)
            .ToDictionary(g => g.Key, g => g.Count());

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(50);
        }
    }
}
