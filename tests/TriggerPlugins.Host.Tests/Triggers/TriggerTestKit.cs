using System.Text.Json;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Json;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Tests.Triggers;

/// <summary>Compiles a trigger from JSON text, failing the test on any problem.</summary>
internal static class TriggerTestKit
{
    public static TriggerDefinition Compile(string json, string name = "t")
    {
        var problems = new ProblemCollector();
        using var document = JsonDocument.Parse(json);
        var (trigger, valid) = TriggerParser.Parse(name, document.RootElement.Clone(), $"triggers/{name}.json", problems);
        Assert.True(valid && problems.Problems.Count == 0, string.Join(Environment.NewLine, problems.Problems));
        return trigger;
    }

    public static string WithConditions(string conditions, string match = "all", string on = """["call-end"]""") =>
        $$"""{ "on": {{on}}, "match": "{{match}}", "conditions": [ {{conditions}} ], "actions": [ { "plugin": "dynamics365", "account": "contoso", "configuration": "default" } ] }""";

    public static bool Fires(string triggerJson, CallEvent callEvent) =>
        new TriggerEngine([Compile(triggerJson)]).Match(callEvent).Count > 0;
}
