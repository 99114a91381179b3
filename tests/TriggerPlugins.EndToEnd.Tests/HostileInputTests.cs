using System.Text;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.EndToEnd.Tests;

/// <summary>
/// Issue #11: hostile event streams through the real `triggers run` against the emulator. Every bad line gets a result
/// line saying what is wrong, the good lines after it still make their tickets, and an id reused for another call is a
/// conflict, never "already delivered".
/// </summary>
[Trait("Category", TestCategory.Slow)]
public sealed class HostileInputTests() : EmulatorWorkspace("triggers-e2e-hostile")
{
    [Fact]
    public async Task Bad_lines_are_reported_and_the_good_ones_after_them_make_their_tickets()
    {
        var good = CallEvents.AnsweredInbound("hostile", 3).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var events = new MemoryStream();
        void Line(string text) => events.Write(Encoding.UTF8.GetBytes(text + "\n"));
        Line(good[0]);                                                               // 1: hostile-0001
        Line(good[0].Replace("Customer 1", "Someone Else", StringComparison.Ordinal)); // 2: same id, other content
        Line(good[1].Replace("\"hostile-0002\"", "\"\"", StringComparison.Ordinal));   // 3: empty id
        events.Write("{\"id\":\"u8-"u8);                                              // 4: invalid UTF-8
        events.WriteByte(0xFF);
        Line(good[1][good[1].IndexOf("\",", StringComparison.Ordinal)..]);
        Line(good[1].Replace("\"status\":\"answered\"", "\"status\":0", StringComparison.Ordinal)); // 5: number for an enum
        Line(good[1].Replace("\"queue\":\"support\"", $"\"queue\":\"{new string('q', 2 * 1024 * 1024)}\"", StringComparison.Ordinal)); // 6: 2 MB
        Line(good[2]);                                                               // 7: hostile-0003
        var file = Path.Combine(Work, "hostile.ndjson");
        await File.WriteAllBytesAsync(file, events.ToArray());

        var result = await TriggersProcess.RunAsync(
            ["run", "--config", Path.Combine(TriggersProcess.SamplesDirectory, "config"), "--events", file, "--data", Path.Combine(Work, "data"), "--parallel", "1"],
            Fixture.Environment,
            timeout: TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 1, result.All);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("line 1: hostile-0001: inbound-answered -> dynamics365 created CAS-", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("line 2: hostile-0001: inbound-answered -> dynamics365 conflict: the id 'hostile-0001' was already used by a call event with different content", StringComparison.Ordinal));
        Assert.Contains("invalid call event, line 3: id: must not be empty", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("invalid call event, line 4, column 11: not valid UTF-8 (byte 0xff at byte 11)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("invalid call event, line 5, column ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("status: found 0; expected one of: answered, unanswered, abandoned, busy, failed", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"invalid call event, line 6: the line is \d+ bytes, over the limit of 1048576 bytes \(--max-line-bytes\); it was skipped", result.StandardOutput);
        Assert.Contains(lines, l => l.StartsWith("line 7: hostile-0003: inbound-answered -> dynamics365 created CAS-", StringComparison.Ordinal));
        Assert.DoesNotContain("already existed", result.StandardOutput, StringComparison.Ordinal);

        var tickets = Fixture.Emulator.Store.Records("incidents").Select(TicketCallId.Of).Where(id => id?.StartsWith("hostile-", StringComparison.Ordinal) == true).Order().ToList();
        Assert.Equal(["hostile-0001", "hostile-0003"], tickets);
    }

    [Fact]
    public async Task Purge_drops_the_call_data_of_settled_deliveries_and_a_resent_event_is_still_known()
    {
        var data = Path.Combine(Work, "data-purge");
        var events = Path.Combine(Work, "purge.ndjson");
        await File.WriteAllTextAsync(events, CallEvents.AnsweredInbound("purged", 2));
        string[] run = ["run", "--config", Path.Combine(TriggersProcess.SamplesDirectory, "config"), "--events", events, "--data", data];
        var first = await TriggersProcess.RunAsync(run, Fixture.Environment);
        Assert.True(first.ExitCode == 0, first.All);

        // Taken after the run ended: every delivery settled before it, and it is in the past when the purge checks it.
        var retry = await TriggersProcess.RunAsync(["deliveries", "purge", "--before", DateTimeOffset.UtcNow.ToString("O"), "--data", data]);

        Assert.True(retry.ExitCode == 0, retry.All);
        Assert.StartsWith("2 delivery(ies) that succeeded before ", retry.StandardOutput, StringComparison.Ordinal);
        var database = await File.ReadAllBytesAsync(Path.Combine(data, "deliveries.db"));
        Assert.DoesNotContain("Customer 1", Encoding.Latin1.GetString(database), StringComparison.Ordinal);

        var again = await TriggersProcess.RunAsync(run, Fixture.Environment);
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Equal(2, again.StandardOutput.Split('\n').Count(l => l.Contains("already existed", StringComparison.Ordinal)));
    }
}
