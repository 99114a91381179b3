using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Tests.TestDoubles;

namespace TriggerPlugins.Host.Tests.Configuration;

public sealed class ConfigurationLoaderTests
{
    private const string Action = """{ "plugin": "dynamics365", "account": "contoso", "configuration": "default" }""";

    private static string Trigger(string conditions = "", string actions = Action) =>
        $$"""{ "on": ["call-end"], "conditions": [ {{conditions}} ], "actions": [ {{actions}} ] }""";

    private static TriggerConfiguration Load(ConfigFolder folder, ScriptedAction? plugin = null, Func<string, string?>? environment = null) =>
        ConfigurationLoader.Load(folder.Path, new DictionaryActionRegistry(plugin ?? new ScriptedAction()), environment ?? (_ => null));

    private static ValidationProblem Single(TriggerConfiguration configuration)
    {
        Assert.True(configuration.Problems.Count == 1, string.Join(Environment.NewLine, configuration.Problems));
        return configuration.Problems[0];
    }

    [Fact]
    public void A_valid_folder_loads_and_each_used_pair_is_validated_by_its_plugin_once()
    {
        using var folder = ConfigFolder.WithTriggers(("inbound", Trigger("""{ "field": "queue", "operator": "is", "value": "support" }""")), ("again", Trigger()));
        var plugin = new ScriptedAction();

        var configuration = Load(folder, plugin);

        Assert.Empty(configuration.Problems);
        Assert.Equal(["again", "inbound"], configuration.Triggers.Select(t => t.Name).Order());
        var validated = Assert.Single(plugin.Validated);
        Assert.Equal(("contoso", "accounts/contoso.json", "default", "configurations/default.json"), (validated.AccountName, validated.AccountSource, validated.ConfigurationName, validated.ConfigurationSource));
        Assert.Equal(Path.GetFullPath(folder.Path), validated.BaseDirectory);
        Assert.Equal("dynamics365", validated.Account.GetProperty("plugin").GetString());
    }

    [Fact]
    public void Files_no_trigger_uses_are_validated_too_with_a_partner_of_the_same_plugin()
    {
        using var folder = ConfigFolder.WithTriggers(("inbound", Trigger()));
        folder.Configuration("unused", ConfigFolder.DefaultConfiguration);
        folder.Account("spare", ConfigFolder.DemoAccount);
        var plugin = new ScriptedAction
        {
            Validation = s => s.ConfigurationName == "unused"
                ? new ValidationReport([new ValidationProblem(ValidationSeverity.Error, s.ConfigurationSource!, "title", "unclosed {{", 1, 7)])
                : ValidationReport.Valid,
        };

        var configuration = Load(folder, plugin);

        Assert.Equal("configurations/unused.json(1,7): title: unclosed {{", Assert.Single(configuration.Problems).ToString());
        Assert.Equal(
            ["contoso/default", "contoso/unused", "spare/default"],
            plugin.Validated.Select(v => $"{v.AccountName}/{v.ConfigurationName}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_problem_of_a_file_validated_in_several_pairs_is_reported_once()
    {
        using var folder = ConfigFolder.WithTriggers(("inbound", Trigger()));
        folder.Account("spare", ConfigFolder.DemoAccount);
        var plugin = new ScriptedAction
        {
            Validation = s => new ValidationReport([new ValidationProblem(ValidationSeverity.Error, s.ConfigurationSource!, "title", "unclosed {{", 1, 7)]),
        };

        var configuration = Load(folder, plugin);

        Assert.Equal(2, plugin.Validated.Count);
        Assert.Single(configuration.Problems);
    }

    [Fact]
    public void The_plugins_problems_are_reported()
    {
        using var folder = ConfigFolder.WithTriggers(("inbound", Trigger()));
        var plugin = new ScriptedAction
        {
            Validation = s => new ValidationReport([new ValidationProblem(ValidationSeverity.Error, s.AccountSource!, "weburl", "is required")]),
        };

        var problem = Single(Load(folder, plugin));

        Assert.Equal("accounts/contoso.json: weburl: is required", problem.ToString());
    }

    [Fact]
    public void A_plugin_that_throws_while_validating_is_reported_not_thrown()
    {
        using var folder = ConfigFolder.WithTriggers(("inbound", Trigger()));
        var plugin = new ScriptedAction { Validation = _ => throw new InvalidOperationException("boom") };

        var problem = Single(Load(folder, plugin));

        Assert.Contains("plugin 'dynamics365' failed while validating account 'contoso', configuration 'default': InvalidOperationException: boom", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "field": "queues", "operator": "is", "value": "x" }""", "conditions[0].field", "unknown field 'queues'; expected one of: agent, calledNumber, callerNumber, disposition, outbound, queue, route, status, variables.<name>")]
    [InlineData("""{ "field": "queue", "operator": "equals", "value": "x" }""", "conditions[0].operator", "unknown operator 'equals'; expected one of: is, isNot, in, notIn, startsWith, matches")]
    [InlineData("""{ "field": "outbound", "operator": "matches", "value": "x" }""", "conditions[0].operator", "operator 'matches' does not apply to field 'outbound'; it takes: is, isNot")]
    [InlineData("""{ "field": "status", "operator": "startsWith", "value": "a" }""", "conditions[0].operator", "operator 'startsWith' does not apply to field 'status'; it takes: is, isNot, in, notIn")]
    [InlineData("""{ "field": "callerNumber", "operator": "matches", "value": "^(\\+39" }""", "conditions[0].value", "not a valid regular expression")]
    [InlineData("""{ "field": "status", "operator": "in", "value": ["answered", "answerd"] }""", "conditions[0].value[1]", "unknown call status 'answerd'; expected one of: answered, unanswered, abandoned, busy, failed")]
    [InlineData("""{ "field": "queue", "operator": "in", "value": "support" }""", "conditions[0].value", "expected a non-empty array of strings")]
    [InlineData("""{ "field": "queue", "operator": "is", "value": ["support"] }""", "conditions[0].value", "expected a string (use the operator 'in' or 'notIn' for a list)")]
    [InlineData("""{ "field": "outbound", "operator": "is", "value": "yes" }""", "conditions[0].value", "expected true or false")]
    [InlineData("""{ "field": "queue", "operator": "is" }""", "conditions[0].value", "is required")]
    [InlineData("""{ "field": "queue", "operator": "is", "value": "x", "negate": true }""", "conditions[0].negate", "unknown property; expected one of: field, operator, value")]
    public void A_bad_condition_is_a_load_error_with_its_field_path(string condition, string field, string message)
    {
        using var folder = ConfigFolder.WithTriggers(("bad", Trigger(condition)));

        var configuration = Load(folder);

        var problem = Single(configuration);
        Assert.Equal(("triggers/bad.json", field), (problem.Source, problem.Field));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.Empty(configuration.Triggers);
        Assert.True(configuration.HasErrors);
    }

    [Theory]
    [InlineData("""{ "plugin": "dynamics365", "account": "nobody", "configuration": "default" }""", "actions[0].account", "unknown account 'nobody': there is no accounts/nobody.json (known: contoso)")]
    [InlineData("""{ "plugin": "dynamics365", "account": "contoso", "configuration": "fancy" }""", "actions[0].configuration", "unknown configuration 'fancy': there is no configurations/fancy.json (known: default)")]
    [InlineData("""{ "plugin": "salesforce", "account": "contoso", "configuration": "default" }""", "actions[0].plugin", "no loaded plugin has the id 'salesforce'")]
    [InlineData("""{ "plugin": "dynamics365", "account": "contoso" }""", "actions[0].configuration", "is required")]
    public void A_bad_action_reference_is_a_load_error(string action, string field, string message)
    {
        using var folder = ConfigFolder.WithTriggers(("bad", Trigger(actions: action)));

        var problems = Load(folder).Problems;

        Assert.Contains(problems, p => p.Source == "triggers/bad.json" && p.Field == field && p.Message == message);
    }

    [Fact]
    public void An_account_of_another_plugin_cannot_serve_an_action()
    {
        using var folder = ConfigFolder.WithTriggers(("bad", Trigger()));
        folder.Account("contoso", """{ "plugin": "zendesk" }""");

        var configuration = ConfigurationLoader.Load(folder.Path, new DictionaryActionRegistry(new ScriptedAction(), new ScriptedAction("zendesk")), _ => null);

        var problem = Single(configuration);
        Assert.Equal(("triggers/bad.json", "actions[0].account", "'contoso' (accounts/contoso.json) is for plugin 'zendesk', not 'dynamics365'"), (problem.Source, problem.Field, problem.Message));
    }

    [Fact]
    public void Malformed_json_is_reported_with_line_and_column()
    {
        using var folder = ConfigFolder.WithTriggers(("inbound", Trigger()));
        folder.Configuration("default", "{\n  \"plugin\": \"dynamics365\",\n  \"title\" \"x\"\n}");

        var problems = Load(folder).Problems;

        var syntax = Assert.Single(problems, p => p.Source == "configurations/default.json");
        Assert.Equal((3, 11), (syntax.Line, syntax.Column));
        Assert.StartsWith("not valid JSON: ", syntax.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", syntax.Message, StringComparison.Ordinal);
        Assert.Contains(problems, p => p.Source == "triggers/inbound.json" && p.Message.Contains("configurations/default.json has errors", StringComparison.Ordinal));
    }

    [Fact]
    public void Env_references_in_accounts_are_read_from_the_environment()
    {
        using var folder = ConfigFolder.WithTriggers(("inbound", Trigger()));
        folder.Account("contoso", """{ "plugin": "dynamics365", "clientSecret": "env:D365_CLIENT_SECRET", "nested": { "list": ["env:OTHER"] } }""");
        var environment = new Dictionary<string, string> { ["D365_CLIENT_SECRET"] = "s3cret", ["OTHER"] = "o" };

        var configuration = Load(folder, environment: environment.GetValueOrDefault);

        Assert.Empty(configuration.Problems);
        Assert.True(configuration.TryGetSettings("contoso", "default", out var settings));
        Assert.Equal("s3cret", settings.Account.GetProperty("clientSecret").GetString());
        Assert.Equal("o", settings.Account.GetProperty("nested").GetProperty("list")[0].GetString());
    }

    [Fact]
    public void A_missing_environment_variable_names_the_file_and_field()
    {
        using var folder = ConfigFolder.WithTriggers(("inbound", Trigger()));
        folder.Account("contoso", """{ "plugin": "dynamics365", "clientSecret": "env:D365_CLIENT_SECRET" }""");

        var problems = Load(folder).Problems;

        Assert.Contains(problems, p => p.ToString() == "accounts/contoso.json: clientSecret: environment variable D365_CLIENT_SECRET is not set (the field reads it with \"env:D365_CLIENT_SECRET\")");
    }

    [Fact]
    public void Every_problem_is_collected_not_only_the_first()
    {
        using var folder = new ConfigFolder()
            .Account("contoso", """{ "clientId": "x" }""")
            .Configuration("default", "{ broken")
            .Trigger("one", """{ "on": ["hang-up"], "match": "most", "actions": [] }""")
            .Trigger("two", """{ "name": "three", "on": ["call-end"], "Conditions": [], "actions": [ { "plugin": "dynamics365", "account": "contoso", "configuration": "default" } ] }""");

        var problems = Load(folder).Problems.Select(p => $"{p.Source}|{p.Field}").ToList();

        Assert.Equal(
            [
                "accounts/contoso.json|plugin",
                "configurations/default.json|",
                "triggers/one.json|on[0]",
                "triggers/one.json|match",
                "triggers/one.json|actions",
                "triggers/two.json|Conditions",
                "triggers/two.json|name",
                "triggers/two.json|actions[0].account",
                "triggers/two.json|actions[0].configuration",
            ],
            problems);
    }

    [Fact]
    public void A_missing_folder_is_reported()
    {
        var configuration = ConfigurationLoader.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")), new DictionaryActionRegistry(), _ => null);

        Assert.Equal("config folder not found", Single(configuration).Message);
    }

    [Fact]
    public void A_folder_without_accounts_configurations_and_triggers_is_not_a_config_folder()
    {
        using var folder = new ConfigFolder().Write("events/calls.ndjson", "{}");

        var configuration = Load(folder);

        Assert.True(configuration.HasErrors);
        Assert.StartsWith("not a config folder", Single(configuration).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("accounts")]
    [InlineData("configurations")]
    public void A_missing_accounts_or_configurations_folder_is_an_error(string missing)
    {
        using var folder = ConfigFolder.WithTriggers(("t", """{ "on": ["call-end"], "actions": [ { "plugin": "dynamics365", "account": "contoso", "configuration": "default" } ] }"""));
        Directory.Delete(Path.Combine(folder.Path, missing), recursive: true);

        var configuration = Load(folder);

        Assert.Contains(configuration.Problems, p => p.Severity == ValidationSeverity.Error && p.Source == missing + "/" && p.Message.StartsWith("folder not found", StringComparison.Ordinal));
    }

    [Fact]
    public void A_config_folder_without_trigger_files_is_valid_with_a_warning()
    {
        using var folder = ConfigFolder.WithTriggers();
        Directory.CreateDirectory(Path.Combine(folder.Path, "triggers"));

        var configuration = Load(folder);

        Assert.False(configuration.HasErrors, string.Join("\n", configuration.Problems));
        Assert.Empty(configuration.Triggers);
        Assert.Contains(configuration.Problems, p => p.Severity == ValidationSeverity.Warning && p.Source == "triggers/" && p.Message.StartsWith("no trigger files", StringComparison.Ordinal));
    }
}
