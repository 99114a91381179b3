using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Cli.Tests;

/// <summary>The commands that talk to Dynamics, run as real processes against an emulator on 127.0.0.1.</summary>
[Trait("Category", TestCategory.Slow)]
public sealed class EmulatorCommandTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task Demo_creates_tickets_for_the_sample_calls_and_says_what_it_skipped()
    {
        var result = await TriggersProcess.RunAsync(["demo"], timeout: TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Matches(@"CAS-\d{5}-[A-Z0-9]{6}", result.StandardOutput);
        Assert.Contains("Mario Rossi", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Alice Rossi", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("no trigger matched", result.StandardOutput, StringComparison.Ordinal);
        // 9 events, 10 deliveries, 6 calls: one ticket (and one phone call) per call.
        Assert.Contains("9 call event(s): 6 ticket(s), 6 phone call(s) logged, 1 skipped, 0 failed.", result.StandardOutput, StringComparison.Ordinal);
        foreach (var call in new[] { "demo-0005", "demo-0007-" })
        {
            var tickets = System.Text.RegularExpressions.Regex.Matches(result.StandardOutput, $@"│ {call}[^│]*│[^│]*│ (CAS-\d{{5}}-[A-Z0-9]{{6}})");
            Assert.True(tickets.Count >= 2, result.StandardOutput);
            Assert.Single(tickets.Select(t => t.Groups[1].Value).Distinct());
        }
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public async Task The_demo_fits_an_80_or_120_column_terminal(int columns)
    {
        var result = await TriggersProcess.RunAsync(["demo"], new Dictionary<string, string> { ["COLUMNS"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture) }, timeout: TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.All);
        Assert.All(result.StandardOutput.Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= columns, $"{line.Length} > {columns}: {line}"));
        // One ticket per call: six distinct tickets, each readable in full on its row or block.
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Matches(result.StandardOutput, @"CAS-\d{5}-[A-Z0-9]{6}").Select(m => m.Value).Distinct().Count());
        Assert.Contains("Alice Rossi", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("temp.agent@contoso.com", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_reports_a_malformed_line_and_still_processes_the_lines_after_it()
    {
        using var temp = new TempFolder();
        var lines = File.ReadAllLines(Path.Combine(TriggersProcess.SamplesDirectory, "events", "calls.ndjson"));
        var events = string.Join('\n', lines[0].Replace("demo-0001", "cli-run-0001", StringComparison.Ordinal), "{\"id\": \"broken\", \"kind\": \"call-end\"", lines[0].Replace("demo-0001", "cli-run-0003", StringComparison.Ordinal));

        var result = await TriggersProcess.RunAsync(
            ["run", "--config", "samples/config", "--data", Path.Combine(temp.Path, "data"), "--json"], fixture.Environment, standardInput: events);

        Assert.Equal(1, result.ExitCode);
        var output = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(output, l => l.Contains("\"line\":2", StringComparison.Ordinal) && l.Contains("\"status\":\"invalid\"", StringComparison.Ordinal));
        Assert.Contains(output, l => l.Contains("\"event\":\"cli-run-0001\"", StringComparison.Ordinal) && l.Contains("\"status\":\"created\"", StringComparison.Ordinal));
        Assert.Contains(output, l => l.Contains("\"event\":\"cli-run-0003\"", StringComparison.Ordinal) && l.Contains("\"status\":\"created\"", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_twice_with_the_same_events_reports_the_existing_tickets_instead_of_creating_new_ones()
    {
        using var temp = new TempFolder();
        var line = File.ReadAllLines(Path.Combine(TriggersProcess.SamplesDirectory, "events", "calls.ndjson"))[0].Replace("demo-0001", "cli-twice-0001", StringComparison.Ordinal);
        string[] arguments = ["run", "--config", "samples/config", "--data", Path.Combine(temp.Path, "data"), "--json"];

        var first = await TriggersProcess.RunAsync(arguments, fixture.Environment, standardInput: line);
        var second = await TriggersProcess.RunAsync(arguments, fixture.Environment, standardInput: line);

        Assert.True(first.ExitCode == 0, first.All);
        Assert.True(second.ExitCode == 0, second.All);
        Assert.Contains("\"status\":\"created\"", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"already-existed\"", second.StandardOutput, StringComparison.Ordinal);
        Assert.Single(fixture.Emulator.Store.Records("incidents"), r => TicketCallId.Of(r) == "cli-twice-0001");
    }

    [Fact]
    public async Task Check_succeeds_with_a_good_account()
    {
        var result = await TriggersProcess.RunAsync(["check", "--config", "samples/config", "--account", "contoso"], fixture.Environment);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.StartsWith("ok:", result.StandardOutput, StringComparison.Ordinal);
        // Every configuration a trigger uses with the account is checked against the incident metadata.
        foreach (var configuration in new[] { "abandoned", "with-fields" })
        {
            var expected = $"ok: accounts/contoso.json + configurations/{configuration}.json: Configuration '{configuration}': every ticket column exists";
            Assert.True(result.StandardOutput.Contains(expected, StringComparison.Ordinal), result.All);
        }

        Assert.DoesNotContain("configurations/default.json", result.StandardOutput, StringComparison.Ordinal); // no trigger uses it with contoso
    }

    [Fact]
    public async Task Check_reports_each_mapped_column_the_tenant_does_not_have_or_refuses()
    {
        using var temp = new TempFolder();
        var config = temp.CopyOfSampleConfig();
        File.WriteAllText(Path.Combine(config, "configurations", "with-fields.json"), """
            { "plugin": "dynamics365", "fields": {
                "prioritycode": "urgent", "new_nope": "{{ call.id }}", "ticketnumber": 7, "statuscode": "On hold" } }
            """);

        var result = await TriggersProcess.RunAsync(["check", "--config", config, "--account", "contoso", "--configuration", "with-fields"], fixture.Environment);

        Assert.True(result.ExitCode == 1, result.All);
        const string at = "failed: accounts/contoso.json + configurations/with-fields.json: Configuration 'with-fields': ";
        Assert.Contains(at + "prioritycode: 'urgent' is not an option; options: 1 High, 2 Normal, 3 Low", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(at + "fields.new_nope: the incident table has no column 'new_nope'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(at + "fields.ticketnumber: column 'ticketnumber' is String; the constant 7 is not of that type.", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(at + "statuscode: map 'On hold' by its value (a whole number); labels are resolved for Picklist columns only.", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("ok: accounts/contoso.json: Connected to", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_says_what_is_wrong_with_a_bad_secret_without_showing_it()
    {
        using var temp = new TempFolder();
        var config = temp.CopyOfSampleConfig();
        var account = Path.Combine(config, "accounts", "contoso.json");
        File.WriteAllText(account, File.ReadAllText(account).Replace("demo-secret-not-for-production", "Wrong-Secret-123", StringComparison.Ordinal));

        var result = await TriggersProcess.RunAsync(["check", "--config", config, "--account", "contoso"], fixture.Environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("secret", result.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Wrong-Secret-123", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_shows_the_ticket_without_calling_dynamics()
    {
        using var temp = new TempFolder();
        var eventFile = Path.Combine(temp.Path, "call.json");
        File.WriteAllText(eventFile, File.ReadAllLines(Path.Combine(TriggersProcess.SamplesDirectory, "events", "calls.ndjson"))[0].Replace("demo-0001", "cli-render-0001", StringComparison.Ordinal));
        var before = fixture.Emulator.Requests.Snapshot().Count;

        var result = await TriggersProcess.RunAsync(["render", "--config", "samples/config", "--configuration", "with-fields", "--event", eventFile], fixture.Environment);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("Mario Rossi", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Call id: cli-render-0001", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"caseorigincode\": 1", result.StandardOutput.Replace("\":1", "\": 1", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(before, fixture.Emulator.Requests.Snapshot().Count);
    }

    [Fact]
    public async Task Deliveries_lists_retries_and_discards_dead_letters()
    {
        using var temp = new TempFolder();
        var config = temp.CopyOfSampleConfig();
        var account = Path.Combine(config, "accounts", "contoso.json");
        File.WriteAllText(account, File.ReadAllText(account).Replace("demo-secret-not-for-production", "Wrong-Secret-123", StringComparison.Ordinal));
        var data = Path.Combine(temp.Path, "data");
        var line = File.ReadAllLines(Path.Combine(TriggersProcess.SamplesDirectory, "events", "calls.ndjson"))[0].Replace("demo-0001", "cli-dead-0001", StringComparison.Ordinal);

        var run = await TriggersProcess.RunAsync(["run", "--config", config, "--data", data], fixture.Environment, standardInput: line);
        var list = await TriggersProcess.RunAsync(["deliveries", "list", "--data", data, "--status", "dead-lettered"]);
        var id = list.StandardOutput.Split(' ', 2)[0];
        var retry = await TriggersProcess.RunAsync(["deliveries", "retry", id, "--data", data]);
        var pending = await TriggersProcess.RunAsync(["deliveries", "list", "--data", data, "--status", "pending"]);
        var discard = await TriggersProcess.RunAsync(["deliveries", "discard", id, "--data", data]);
        var after = await TriggersProcess.RunAsync(["deliveries", "list", "--data", data]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cli-dead-0001", list.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("secret", list.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, retry.ExitCode);
        Assert.Contains(id, pending.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, discard.ExitCode);
        Assert.DoesNotContain(id, after.StandardOutput, StringComparison.Ordinal);
    }
}
