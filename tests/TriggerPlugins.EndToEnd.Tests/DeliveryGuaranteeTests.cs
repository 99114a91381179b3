using System.Diagnostics;
using TriggerPlugins.Tests.Shared;
using Xunit.Abstractions;

namespace TriggerPlugins.EndToEnd.Tests;

/// <summary>
/// Issue #7: under throttling, server errors, dropped connections and a killed host process, every call that matched
/// a trigger ends with exactly one ticket in Dynamics: none lost, none duplicated. The real `triggers run` process
/// runs against the emulator's fault injection.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public sealed class DeliveryGuaranteeTests(ITestOutputHelper output) : DeliveryRunWorkspace(output)
{
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
        Output.WriteLine($"killed run: {calls} calls, {beforeRestart} tickets before the kill, {TicketsByCall("killed").Count} after the restart, {clock.Elapsed.TotalSeconds:F1} s in all");
    }
}
