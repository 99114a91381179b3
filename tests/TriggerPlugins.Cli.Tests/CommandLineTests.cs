using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Cli.Tests;

/// <summary>
/// The command line itself: help, usage errors and validation, with no service involved, run in-process
/// (<see cref="InProcessCli"/>). <see cref="ProcessBoundaryTests"/> checks the same exit codes from a real process.
/// </summary>
[Collection(nameof(InProcessCliGroup))]
public sealed class CommandLineTests
{
    [Fact]
    public async Task Validate_says_which_environment_variable_an_account_misses()
    {
        var result = await InProcessCli.RunAsync(["validate", "--config", "samples/config"], new Dictionary<string, string> { ["TRIGGERS_EMULATOR_URL"] = string.Empty });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("accounts/contoso.json: weburl", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("TRIGGERS_EMULATOR_URL", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var result = await InProcessCli.RunAsync(["--help"]);

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
        var result = await InProcessCli.RunAsync([command, "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_option_is_a_usage_error_with_exit_code_2()
    {
        var result = await InProcessCli.RunAsync(["validate"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--config", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_accepts_the_sample_config()
    {
        var result = await InProcessCli.RunAsync(["validate", "--config", "samples/config"], EmulatorLikeEnvironment.Variables);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("0 error(s)", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_refuses_a_config_with_errors_and_runs_nothing()
    {
        using var temp = new TempFolder();
        var config = temp.CopyOfSampleConfig();
        File.WriteAllText(Path.Combine(config, "triggers", "broken.json"), "{ not json");

        var result = await InProcessCli.RunAsync(
            ["run", "--config", config, "--data", Path.Combine(temp.Path, "data"), "--events", "samples/events/calls.ndjson"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("triggers/broken.json", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Fact]
    public async Task Run_help_shows_the_defaults_of_the_retry_and_concurrency_options()
    {
        var result = await InProcessCli.RunAsync(["run", "--help"]);
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
        var result = await InProcessCli.RunAsync(["emulator", "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("-v, --verbose", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("emulator", "--port", "99999")]
    [InlineData("emulator", "--error-rate", "2")]
    [InlineData("emulator", "--latency-ms", "-1")]
    [InlineData("deliveries", "retry")]
    [InlineData("deliveries", "retry", "some-id", "--all")]
    [InlineData("run", "--config", "samples/config", "--parallel", "0")]
    [InlineData("run", "--config", "samples/config", "--retry-deadline", "soon")]
    public async Task Bad_options_are_usage_errors_with_exit_code_2_and_no_stack_trace(params string[] arguments)
    {
        var result = await InProcessCli.RunAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_without_the_emulator_variables_says_to_start_the_emulator()
    {
        var result = await InProcessCli.RunAsync(["validate", "--config", "samples/config"], new Dictionary<string, string> { ["TRIGGERS_EMULATOR_URL"] = string.Empty, ["TRIGGERS_EMULATOR_THUMBPRINT"] = string.Empty });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("hint: ", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("start `triggers emulator`", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--retry-deadline", "99999999h", "--retry-deadline: 99999999h is out of range; it must be between 1ms and 30d.")]
    [InlineData("--retry-deadline", "100000h", "--retry-deadline: 100000h is out of range; it must be between 1ms and 30d.")]
    [InlineData("--retry-base-delay", "2000h", "--retry-base-delay: 2000h is out of range; it must be between 1ms and 1h.")]
    [InlineData("--retry-max-delay", "2000h", "--retry-max-delay: 2000h is out of range; it must be between 1ms and 1d.")]
    [InlineData("--retention", "10m", "--retention: 10m is out of range; it must be between 1h and 3650d.")]
    [InlineData("--max-line-bytes", "10", "--max-line-bytes must be between 1024 and 16777216.")]
    [InlineData("--max-concurrency-per-account", "500", "--max-concurrency-per-account must be between 1 and 52.")]
    public async Task Out_of_range_run_options_are_refused_at_parse_with_exit_2(string option, string value, string expected)
    {
        using var temp = new TempFolder();
        var data = Path.Combine(temp.Path, "data");

        var result = await InProcessCli.RunAsync(["run", "--config", "samples/config", "--data", data, option, value], EmulatorLikeEnvironment.Variables);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"error: {expected}", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "nothing may be created when the options are refused");
    }
}
