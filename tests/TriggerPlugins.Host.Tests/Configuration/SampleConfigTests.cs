using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Host.Tests.TestDoubles;
using TriggerPlugins.Host.Triggers;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Host.Tests.Configuration;

/// <summary>The samples in the repository load cleanly and do what samples/config/README.md says.</summary>
public sealed class SampleConfigTests
{
    private static readonly string Samples = RepositoryRoot.Combine("samples");

    // The sample accounts read the emulator's address and certificate thumbprint from these.
    private static string? EmulatorEnvironment(string name) => name switch
    {
        "TRIGGERS_EMULATOR_URL" => "https://127.0.0.1:5443/",
        "TRIGGERS_EMULATOR_THUMBPRINT" => new string('A', 64),
        _ => null,
    };

    [Fact]
    public void The_sample_config_loads_without_problems()
    {
        var configuration = ConfigurationLoader.Load(Path.Combine(Samples, "config"), new DictionaryActionRegistry(new ScriptedAction()), EmulatorEnvironment);

        Assert.True(configuration.Problems.Count == 0, string.Join(Environment.NewLine, configuration.Problems));
        Assert.Equal(["abandoned-support", "escalations", "inbound-answered", "inbound-live", "outbound"], configuration.Triggers.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_sample_calls_match_the_documented_triggers()
    {
        var configuration = ConfigurationLoader.Load(Path.Combine(Samples, "config"), new DictionaryActionRegistry(new ScriptedAction()), EmulatorEnvironment);
        var engine = new TriggerEngine(configuration.Triggers);
        var matches = new List<string>();

        using var reader = File.OpenText(Path.Combine(Samples, "events", "calls.ndjson"));
        await foreach (var line in CallEventReader.ReadAsync(reader))
        {
            Assert.True(line.Succeeded, line.Error);
            matches.Add($"{line.Event.Id}: {string.Join(", ", engine.Match(line.Event).Select(p => p.TriggerName))}");
        }

        Assert.Equal(
            [
                "demo-0001: inbound-answered",
                "demo-0002: abandoned-support",
                "demo-0003: outbound",
                "demo-0004: inbound-answered",
                "demo-0005: escalations, inbound-answered",
                "demo-0006: ",
                "demo-0007-start: inbound-live",
                "demo-0007-connect: inbound-live",
                "demo-0007-end: inbound-answered",
            ],
            matches);
    }

    [Fact]
    public void The_escalation_sample_that_promises_high_priority_raises_it_for_each_of_its_conditions()
    {
        var configuration = ConfigurationLoader.Load(Path.Combine(Samples, "config"), new DictionaryActionRegistry(new ScriptedAction()), EmulatorEnvironment);
        var escalations = configuration.Triggers.Single(t => t.Name == "escalations");

        var used = configuration.Configurations[Assert.Single(escalations.Actions).Configuration];
        var priority = used.Settings.GetProperty("fields").GetProperty("prioritycode").GetString()!;

        // Dataverse incident prioritycode: 1 High. Each condition of the trigger (queue vip, disposition escalate, a
        // +1 202 555 caller, as demo-0005) must lead to 1, or the "high-priority" escalation gets Normal.
        Assert.Contains("}}1{{", priority, StringComparison.Ordinal);
        foreach (var condition in new[] { "'vip'", "'escalate'", "'+1202555'" })
        {
            Assert.Contains(condition, priority, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_production_account_example_reads_its_secret_from_the_environment()
    {
        using var folder = new ConfigFolder()
            .Write("accounts/production.json", File.ReadAllText(Path.Combine(Samples, "config", "examples", "production-account.json")))
            .Configuration("default", ConfigFolder.DefaultConfiguration)
            .Trigger("all", """{ "on": "call-end", "actions": [ { "plugin": "dynamics365", "account": "production", "configuration": "default" } ] }""");

        var without = ConfigurationLoader.Load(folder.Path, new DictionaryActionRegistry(new ScriptedAction()), _ => null);
        var with = ConfigurationLoader.Load(folder.Path, new DictionaryActionRegistry(new ScriptedAction()), name => name == "D365_CLIENT_SECRET" ? "from-env" : null);

        Assert.Contains(without.Problems, p => p.Field == "clientSecret" && p.Message.Contains("D365_CLIENT_SECRET", StringComparison.Ordinal));
        Assert.Empty(with.Problems);
        Assert.Equal("from-env", with.Accounts["production"].Settings.GetProperty("clientSecret").GetString());
    }
}
