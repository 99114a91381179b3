using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Cli.Tests;

/// <summary>The command line itself: help, usage errors and exit codes, with no service involved.</summary>
public sealed class CommandLineTests
{
    // What the sample accounts read with env:, as `triggers emulator` prints it; validation needs no running emulator.
    private static readonly Dictionary<string, string> EmulatorLikeEnvironment = new()
    {
        ["TRIGGERS_EMULATOR_URL"] = "https://127.0.0.1:5443/",
        ["TRIGGERS_EMULATOR_THUMBPRINT"] = new string('A', 64),
    };

    [Fact]
    public async Task Validate_says_which_environment_variable_an_account_misses()
    {
        var result = await TriggersProcess.RunAsync(["validate", "--config", "samples/config"], new Dictionary<string, string> { ["TRIGGERS_EMULATOR_URL"] = string.Empty });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("accounts/contoso.json: weburl", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("TRIGGERS_EMULATOR_URL", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var result = await TriggersProcess.RunAsync(["--help"]);

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "demo", "run", "validate", "render", "check", "deliveries", "emulator" })
        {
            Assert.Contains(command, result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("run")]
    [InlineData("validate")]
    [InlineData("render")]
    [InlineData("check")]
    [InlineData("deliveries")]
    [InlineData("demo")]
    [InlineData("emulator")]
    public async Task Every_command_has_help(string command)
    {
        var result = await TriggersProcess.RunAsync([command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error_with_exit_code_2()
    {
        var result = await TriggersProcess.RunAsync(["frobnicate"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("frobnicate", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_option_is_a_usage_error_with_exit_code_2()
    {
        var result = await TriggersProcess.RunAsync(["validate"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--config", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_accepts_the_sample_config()
    {
        var result = await TriggersProcess.RunAsync(["validate", "--config", "samples/config"], EmulatorLikeEnvironment);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("0 error(s)", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_reports_every_problem_with_file_field_and_position_and_exits_1()
    {
        using var temp = new TempFolder();
        var config = temp.CopyOfSampleConfig();
        File.WriteAllText(Path.Combine(config, "triggers", "broken-json.json"), "{\n  \"on\": \"call-end\",\n  \"actions\": [ oops ]\n}\n");
        File.WriteAllText(
            Path.Combine(config, "triggers", "bad-condition.json"),
            """{ "on": "call-end", "conditions": [ { "field": "colour", "operator": "is", "value": "red" } ], "actions": [ { "plugin": "dynamics365", "account": "nobody", "configuration": "default" } ] }""");
        File.WriteAllText(Path.Combine(config, "configurations", "bad-template.json"), """{ "plugin": "dynamics365", "title": "Call {{ call.callerNumber " }""");

        var result = await TriggersProcess.RunAsync(["validate", "--config", config], EmulatorLikeEnvironment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("triggers/broken-json.json(3,", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("colour", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("nobody", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("configurations/bad-template.json", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_refuses_a_config_with_errors_and_runs_nothing()
    {
        using var temp = new TempFolder();
        var config = temp.CopyOfSampleConfig();
        File.WriteAllText(Path.Combine(config, "triggers", "broken.json"), "{ not json");

        var result = await TriggersProcess.RunAsync(
            ["run", "--config", config, "--data", Path.Combine(temp.Path, "data"), "--events", "samples/events/calls.ndjson"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("triggers/broken.json", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Fact]
    public async Task Run_help_shows_the_defaults_of_the_retry_and_concurrency_options()
    {
        var result = await TriggersProcess.RunAsync(["run", "--help"]);
        var help = result.StandardOutput;

        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--retry-base-delay", "--retry-max-delay", "--retry-deadline" })
        {
            Assert.Matches(option + @" <[^>]+>[^\n]*; default \d+(ms|s|m|h)\)", help);
        }

        Assert.Matches(@"--max-concurrency-per-account <[^>]+>[^\n]*; default \d+\)", help);
    }

    [Fact]
    public async Task The_emulator_takes_v_like_the_other_commands()
    {
        var result = await TriggersProcess.RunAsync(["emulator", "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("-v, --verbose", result.StandardOutput, StringComparison.Ordinal);
    }
}
