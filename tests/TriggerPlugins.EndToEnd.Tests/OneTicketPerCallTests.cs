using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TriggerPlugins.Tests.Shared;
using Xunit.Abstractions;

namespace TriggerPlugins.EndToEnd.Tests;

/// <summary>
/// Issue #18: the real `triggers run` process with 16 workers, calls of three events each (call-start, agent-connect,
/// call-end) arriving interleaved: every call ends with exactly one ticket holding its last event, and one closed phone
/// call; a host killed with kill -9 and restarted makes no second ticket or phone call.
/// </summary>
[Trait("Category", TestCategory.Slow)]
public sealed class OneTicketPerCallTests(ITestOutputHelper output) : EmulatorWorkspace("triggers-calls")
{
    private static readonly string[] Kinds = ["call-start", "agent-connect", "call-end"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        WriteConfiguration();
    }

    [Fact]
    public async Task A_hundred_interleaved_three_event_calls_on_sixteen_workers_make_a_hundred_tickets_and_phone_calls()
    {
        const int calls = 100;
        var clock = Stopwatch.StartNew();

        var result = await TriggersProcess.RunAsync(Arguments(WriteEvents("many", calls), "data-many", parallel: 16), Fixture.Environment, timeout: TimeSpan.FromMinutes(4));

        Assert.True(result.ExitCode == 0, result.All);
        AssertOneTicketAndPhoneCallPerCall("many", calls);
        var requests = Emulator.Requests.Snapshot().Count(r => r.Path.StartsWith("/api/data/", StringComparison.Ordinal));
        output.WriteLine($"{calls} calls x 3 events, 16 workers: {requests} Web API requests ({(double)requests / calls:F2} per call), {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task A_host_killed_mid_run_and_restarted_makes_no_second_ticket_or_phone_call()
    {
        const int calls = 40;
        Emulator.Faults.Latency = TimeSpan.FromMilliseconds(100);
        var arguments = Arguments(WriteEvents("killed", calls), "data-killed", parallel: 8);

        using (var first = Process.Start(TriggersProcess.StartInfo(arguments, Fixture.Environment))!)
        {
            first.StandardInput.Close();
            _ = first.StandardOutput.ReadToEndAsync();
            _ = first.StandardError.ReadToEndAsync();
            await WaitUntilAsync(() => Emulator.Store.Count("phonecalls") >= 5 || first.HasExited, TimeSpan.FromMinutes(2));
            Assert.False(first.HasExited, "the first run finished before it could be killed: slow the emulator down");
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        var second = await TriggersProcess.RunAsync(arguments, Fixture.Environment, timeout: TimeSpan.FromMinutes(4));

        Assert.True(second.ExitCode == 0, second.All);
        AssertOneTicketAndPhoneCallPerCall("killed", calls);
    }

    private void AssertOneTicketAndPhoneCallPerCall(string prefix, int calls)
    {
        var tickets = Emulator.Store.Records("incidents").Where(i => i["title"]!.GetValue<string>().StartsWith(prefix + "-", StringComparison.Ordinal)).ToList();
        Assert.Equal(calls, tickets.Count);
        Assert.Equal(calls, tickets.Select(t => t["title"]!.GetValue<string>().Split(' ')[0]).Distinct().Count());
        // Each ticket holds its call's last event, whatever order the workers ran them in.
        Assert.All(tickets, t => Assert.EndsWith(" call-end", t["title"]!.GetValue<string>(), StringComparison.Ordinal));
        var ticketIds = tickets.Select(t => t["incidentid"]!.GetValue<string>()).ToHashSet();
        var phoneCalls = Emulator.Store.Records("phonecalls").Where(p => ticketIds.Contains(p["_regardingobjectid_value"]!.GetValue<string>())).ToList();
        Assert.Equal(calls, phoneCalls.Count);
        Assert.Equal(calls, phoneCalls.Select(p => p["_regardingobjectid_value"]!.GetValue<string>()).Distinct().Count());
        Assert.All(phoneCalls, p => Assert.Equal((1, 4), (p["statecode"]!.GetValue<int>(), p["statuscode"]!.GetValue<int>())));
    }

    /// <summary>Calls "{prefix}-0001"...: each call's events are three slots apart, so the calls' events interleave.</summary>
    private string WriteEvents(string prefix, int calls)
    {
        var start = new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.FromHours(1));
        var events = new List<(int Slot, string Line)>();
        for (var i = 1; i <= calls; i++)
        {
            var callId = $"{prefix}-{i:D4}";
            var began = start.AddMinutes(i);
            for (var step = 0; step < Kinds.Length; step++)
            {
                var callEvent = new Dictionary<string, object?>
                {
                    ["id"] = $"{callId}-{Kinds[step]}",
                    ["callId"] = callId,
                    ["kind"] = Kinds[step],
                    ["direction"] = "inbound",
                    ["callerNumber"] = i % 4 == 0 ? $"+39061{i:D7}" : $"+3906200000{i % 7:D2}",
                    ["calledNumber"] = "+390699999999",
                    ["queue"] = "support",
                    ["status"] = step == 0 ? "unanswered" : "answered",
                    ["agent"] = step == 0 ? null : new Dictionary<string, string> { ["email"] = "alice.rossi@contoso.com" },
                    ["startTime"] = Time(began),
                    ["answerTime"] = step == 0 ? null : Time(began.AddSeconds(15)),
                    ["endTime"] = step == 2 ? Time(began.AddSeconds(200)) : null,
                    ["totalSeconds"] = step == 2 ? 200 : 0,
                    ["disposition"] = step == 2 ? "solved" : null,
                };
                events.Add((i + (3 * step), JsonSerializer.Serialize(callEvent)));
            }
        }

        var path = Path.Combine(Work, $"{prefix}.ndjson");
        File.WriteAllLines(path, events.OrderBy(e => e.Slot).Select(e => e.Line));
        return path;
    }

    private static string Time(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    private string[] Arguments(string events, string data, int parallel) =>
    [
        "run", "--config", Path.Combine(Work, "config"), "--events", events, "--data", Path.Combine(Work, data),
        "--parallel", parallel.ToString(CultureInfo.InvariantCulture),
        "--retry-base-delay", "100ms", "--retry-max-delay", "2s", "--retry-deadline", "3m",
    ];

    /// <summary>The sample account, and a trigger that follows inbound calls through all three events.</summary>
    private void WriteConfiguration()
    {
        var config = Path.Combine(Work, "config");
        foreach (var folder in new[] { "accounts", "configurations", "triggers" })
        {
            Directory.CreateDirectory(Path.Combine(config, folder));
        }

        File.Copy(Path.Combine(TriggersProcess.SamplesDirectory, "config", "accounts", "contoso.json"), Path.Combine(config, "accounts", "contoso.json"));
        File.WriteAllText(Path.Combine(config, "configurations", "calls.json"), """
            { "plugin": "dynamics365", "title": "{{ call.call_id }} {{ call.kind }}", "defaultCountry": "IT" }
            """, Encoding.UTF8);
        File.WriteAllText(Path.Combine(config, "triggers", "every-event.json"), """
            {
              "on": ["call-start", "agent-connect", "call-end"],
              "conditions": [ { "field": "outbound", "operator": "is", "value": false } ],
              "actions": [ { "plugin": "dynamics365", "account": "contoso", "configuration": "calls" } ]
            }
            """, Encoding.UTF8);
    }
}
