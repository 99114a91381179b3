using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Cli.Tests;

/// <summary>What a new admin trips over (issue 14): each message says the cause and the fix, with the documented exit code and no stack trace.</summary>
[Trait("Category", TestCategory.Slow)]
public sealed class AdminMistakesTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly string FirstCall = File.ReadAllLines(Path.Combine(TriggersProcess.SamplesDirectory, "events", "calls.ndjson"))[0];

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task The_emulator_stops_cleanly_on_SIGTERM_and_Ctrl_C(string signal)
    {
        // As from a terminal's foreground job: SIGINT at its default disposition. A suite started in the background
        // of a non-interactive shell (`dotnet test ... &`) has SIGINT ignored, and an ignored signal is inherited by
        // every child: the emulator would never see the Ctrl+C. GNU env's --default-signal resets it before exec.
        var start = TriggersProcess.StartInfo(["emulator", "--port", "0"]);
        start.ArgumentList.Insert(0, start.FileName);
        start.ArgumentList.Insert(0, "--default-signal=INT");
        start.FileName = "env";
        using var process = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.StartsWith("Press Ctrl+C", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEndAsync();
        var stopped = false;
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            // Bounded: a process still running 30 s after the signal fails the test with what it printed.
            stopped = await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(stopped, $"still running 30 s after SIG{signal}\n{output}\n{await stderr}");
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await stderr}");
        Assert.Contains("Emulator stopped.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_emulator_on_a_port_in_use_says_so_in_one_line_with_exit_code_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await TriggersProcess.RunAsync(["emulator", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: port {port} on 127.0.0.1 is already in use (another `triggers emulator`?); stop it, or pass --port <free port> (--port 0 picks one).", result.StandardError.Trim());
    }

    [Fact]
    public async Task A_data_folder_that_cannot_be_created_is_one_line_with_exit_code_2_and_the_trace_only_with_v()
    {
        using var temp = new TempFolder();
        var notAFolder = Path.Combine(temp.Path, "file");
        File.WriteAllText(notAFolder, "x");

        var plain = await TriggersProcess.RunAsync(["deliveries", "list", "--data", Path.Combine(notAFolder, "data")]);
        var verbose = await TriggersProcess.RunAsync(["run", "--config", "samples/config", "--data", Path.Combine(notAFolder, "data"), "-v"], fixture.Environment, standardInput: string.Empty);

        Assert.Equal(2, plain.ExitCode);
        Assert.StartsWith("error: ", plain.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", plain.All, StringComparison.Ordinal);
        Assert.Equal(2, verbose.ExitCode);
        Assert.Contains("   at ", verbose.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_with_a_missing_events_file_is_a_usage_error()
    {
        var result = await TriggersProcess.RunAsync(["demo", "--events", "no-such-file.ndjson"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--events: file", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("validate")]
    public async Task A_folder_that_is_not_a_config_folder_is_refused_with_exit_code_2(string command)
    {
        using var temp = new TempFolder();
        string[] data = command == "run" ? ["--data", Path.Combine(temp.Path, "data")] : [];
        var result = await TriggersProcess.RunAsync([command, "--config", "samples", .. data], fixture.Environment, standardInput: FirstCall);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not a config folder", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("no trigger matched", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_without_the_emulator_variables_says_why_no_account_is_usable()
    {
        using var temp = new TempFolder();
        var eventFile = Path.Combine(temp.Path, "call.json");
        File.WriteAllText(eventFile, FirstCall);

        var result = await TriggersProcess.RunAsync(["render", "--config", "samples/config", "--configuration", "default", "--event", eventFile], new Dictionary<string, string> { ["TRIGGERS_EMULATOR_URL"] = string.Empty, ["TRIGGERS_EMULATOR_THUMBPRINT"] = string.Empty });

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("account ''", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("TRIGGERS_EMULATOR_URL", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("start `triggers emulator`", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_with_an_unknown_account_lists_the_known_ones()
    {
        var result = await TriggersProcess.RunAsync(["check", "--config", "samples/config", "--account", "contosso"], fixture.Environment);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no account 'contosso'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("known accounts: contoso", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_of_a_file_of_several_events_says_it_takes_one()
    {
        var result = await TriggersProcess.RunAsync(["render", "--config", "samples/config", "--configuration", "default", "--event", "samples/events/calls.ndjson"], fixture.Environment);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("render takes one", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fixed_mistake_is_reported_as_an_earlier_failure_then_retried_by_code_and_created()
    {
        using var temp = new TempFolder();
        var config = temp.CopyOfSampleConfig();
        var account = Path.Combine(config, "accounts", "contoso.json");
        var good = File.ReadAllText(account);
        File.WriteAllText(account, good.Replace("demo-secret-not-for-production", "Wrong-Secret-123", StringComparison.Ordinal));
        var data = Path.Combine(temp.Path, "data");
        var call = FirstCall.Replace("demo-0001", "cli-fixed-0001", StringComparison.Ordinal);
        string[] run = ["run", "--config", config, "--data", data];

        var failed = await TriggersProcess.RunAsync(run, fixture.Environment, standardInput: call);
        File.WriteAllText(account, good);
        var replayed = await TriggersProcess.RunAsync(run, fixture.Environment, standardInput: call);
        var retry = await TriggersProcess.RunAsync(["deliveries", "retry", "--code", "auth.*", "--data", data]);
        var resumed = await TriggersProcess.RunAsync(run, fixture.Environment, standardInput: string.Empty);
        var id = replayed.StandardOutput.Split("deliveries retry ", 2)[1].Split(' ', 2)[0].TrimEnd('`', '.');
        var retryDone = await TriggersProcess.RunAsync(["deliveries", "retry", id, "--data", data]);

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("failed permanently after 1 attempt(s)", failed.StandardOutput, StringComparison.Ordinal);
        Assert.Single(failed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // said once, not by the log too
        Assert.DoesNotContain("fail:", failed.StandardError, StringComparison.Ordinal);
        Assert.Contains("failed permanently in an earlier run", replayed.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("[auth.", replayed.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("triggers deliveries retry ", replayed.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("Moved 1 dead-lettered delivery(ies) back to pending; the next `triggers run` delivers them first.", retry.StandardOutput.Trim());
        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.StartsWith("resumed: cli-fixed-0001: inbound-answered -> dynamics365 created CAS-", resumed.StandardOutput, StringComparison.Ordinal);
        Assert.StartsWith("1 created, 0 already existed, 0 failed permanently", resumed.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, retryDone.ExitCode);
        Assert.Contains($"{id}: it succeeded (CAS-", retryDone.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_made_in_one_emulator_is_made_again_in_a_restarted_one()
    {
        using var temp = new TempFolder();
        string[] run = ["run", "--config", "samples/config", "--data", Path.Combine(temp.Path, "data"), "--json"];
        var call = FirstCall.Replace("demo-0001", "cli-restart-0001", StringComparison.Ordinal);
        await using var restarted = await DataverseEmulator.DataverseEmulator.StartAsync(
            new EmulatorOptions { SeedFile = Path.Combine(TriggersProcess.SamplesDirectory, "emulator", "seed.json") });
        var restartedEnvironment = new Dictionary<string, string>
        {
            ["TRIGGERS_EMULATOR_URL"] = restarted.BaseUri.ToString(),
            ["TRIGGERS_EMULATOR_THUMBPRINT"] = restarted.CertificateThumbprint,
        };

        var first = await TriggersProcess.RunAsync(run, fixture.Environment, standardInput: call);
        var second = await TriggersProcess.RunAsync(run, restartedEnvironment, standardInput: call);

        Assert.Contains("\"status\":\"created\"", first.StandardOutput, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.All);
        Assert.Contains("\"status\":\"created\"", second.StandardOutput, StringComparison.Ordinal);
        Assert.Single(restarted.Store.Records("incidents"), r => TicketCallId.Of(r) == "cli-restart-0001");
    }

    [Fact]
    public async Task Retry_of_an_unknown_delivery_id_is_exit_code_1_and_says_where_it_looked()
    {
        using var temp = new TempFolder();
        var data = Path.Combine(temp.Path, "data");
        var created = await TriggersProcess.RunAsync(["run", "--config", "samples/config", "--data", data], fixture.Environment, standardInput: string.Empty);

        var result = await TriggersProcess.RunAsync(["deliveries", "retry", "no-such-delivery", "--data", data]);

        Assert.True(created.ExitCode == 0, created.All);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no delivery 'no-such-delivery'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("triggers deliveries list", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_prints_every_unknown_template_variable_once_at_start_and_runs()
    {
        using var temp = new TempFolder();
        var config = temp.CopyOfSampleConfig();
        File.WriteAllText(Path.Combine(config, "configurations", "default.json"), """{ "plugin": "dynamics365", "title": "{{ call.nme }} {{ call.qeue }}" }""");

        var result = await TriggersProcess.RunAsync(["run", "--config", config, "--data", Path.Combine(temp.Path, "data")], fixture.Environment, standardInput: string.Empty);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal(1, CountOf(result.StandardError, "`call` has no member `nme`"));
        Assert.Equal(1, CountOf(result.StandardError, "`call` has no member `qeue`"));

        static int CountOf(string text, string what) => text.Split(what).Length - 1;
    }
}
