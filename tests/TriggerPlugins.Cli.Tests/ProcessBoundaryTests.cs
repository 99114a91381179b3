using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Cli.Tests;

/// <summary>
/// The exit codes and streams as a shell sees them, from the real `triggers` process: a usage error (2) and a config
/// with problems (1). The rest of the command line is checked in-process (<see cref="CommandLineTests"/>).
/// </summary>
[Trait("Category", TestCategory.Slow)]
public sealed class ProcessBoundaryTests
{
    [Fact]
    public async Task An_unknown_command_is_a_usage_error_with_exit_code_2()
    {
        var result = await TriggersProcess.RunAsync(["frobnicate"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("frobnicate", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
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

        var result = await TriggersProcess.RunAsync(["validate", "--config", config], EmulatorLikeEnvironment.Variables);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("triggers/broken-json.json(3,", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("colour", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("nobody", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("configurations/bad-template.json", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }
}
