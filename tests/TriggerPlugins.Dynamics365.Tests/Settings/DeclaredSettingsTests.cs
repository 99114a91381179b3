using System.Text.Json;
using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Settings;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Settings;

/// <summary>
/// The manifest (plugin.json as laid out, the file the host and the admin console read) is the one declaration of the
/// settings: these tests fail when what the plugin does with a field (its name, type, required flag, default or
/// choices) drifts from what the manifest says.
/// </summary>
public sealed class DeclaredSettingsTests
{
    // What a read account or configuration holds for each field that declares a default, as the manifest writes it.
    private static readonly Dictionary<string, Func<AccountSettings, string>> AccountValues = new()
    {
        ["authMode"] = a => a.Mode.ToString()!,
        ["authorityHost"] = a => a.AuthorityHost!,
        ["serviceProtectionTimeScale"] = a => a.ServiceProtectionTimeScale.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["requestTimeoutSeconds"] = a => a.RequestTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static readonly Dictionary<string, Func<TicketConfiguration, string>> ConfigurationValues = new()
    {
        ["timeZone"] = c => c.Options.TimeZone.Id,
        ["ticketPer"] = c => c.Calls.TicketPer.ToString(),
        ["onLaterEvents"] = c => c.Calls.OnLaterEvents.ToString(),
        ["logPhoneCall"] = c => c.Calls.LogPhoneCall ? "true" : "false",
    };

    public static TheoryData<string, string> AccountFields => Fields("accountFields");

    public static TheoryData<string, string> ConfigurationFields => Fields("configurationFields");

    [Fact]
    public void The_plugin_reads_the_manifest_that_the_host_and_the_console_read()
    {
        var laidOut = Manifest("accountFields").Select(f => f["name"]!.GetValue<string>());
        Assert.Equal(laidOut, DeclaredFields.Account.Select(f => f.Name).Where(n => n != "plugin"));
        Assert.Equal(Manifest("configurationFields").Select(f => f["name"]!.GetValue<string>()), DeclaredFields.Configuration.Select(f => f.Name).Where(n => n != "plugin"));
    }

    [Theory]
    [MemberData(nameof(AccountFields))]
    public void An_absent_account_field_reads_as_its_declared_default(string name, string type)
    {
        var declared = Manifest("accountFields").Single(f => f["name"]!.GetValue<string>() == name);
        var problems = new List<ValidationProblem>();

        var account = AccountReader.Read(Element(TestSettings.Account(a => a.Remove(name))), "accounts/contoso.json", problems);

        AssertReadsAsDeclaredDefault(declared, type, account, AccountValues);
    }

    [Theory]
    [MemberData(nameof(ConfigurationFields))]
    public void An_absent_configuration_field_reads_as_its_declared_default(string name, string type)
    {
        var declared = Manifest("configurationFields").Single(f => f["name"]!.GetValue<string>() == name);
        var problems = new List<ValidationProblem>();
        var place = new ConfigurationPlace("configurations/tickets.json", AppContext.BaseDirectory, TestSettings.PluginDirectory);

        var configuration = ConfigurationReader.Read(Element(TestSettings.Configuration(c => c.Remove(name))), place, problems);

        Assert.True(configuration is not null, string.Join("\n", problems));
        AssertReadsAsDeclaredDefault(declared, type, configuration, ConfigurationValues);
    }

    [Theory]
    [MemberData(nameof(AccountFields))]
    public async Task A_missing_account_field_is_an_error_exactly_when_it_is_declared_required(string name, string type)
    {
        var required = Manifest("accountFields").Single(f => f["name"]!.GetValue<string>() == name)["required"]?.GetValue<bool>() == true;
        await using var action = TestSettings.CreateAction();

        var errors = action.Validate(TestSettings.Settings(TestSettings.Account(a => a.Remove(name)))).Problems
            .Where(p => p.Severity == ValidationSeverity.Error && p.Field == name).ToList();

        if (required)
        {
            Assert.Contains(errors, p => p.Message.StartsWith("is required: ", StringComparison.Ordinal));
        }
        else
        {
            // The one field the auth mode requires: clientCredentials (the sample's) needs a secret, usernamePassword does not.
            Assert.All(errors, p => Assert.Contains("for authMode 'clientCredentials'", p.Message, StringComparison.Ordinal));
            Assert.True(errors.Count == 0 || name == "clientSecret", $"{name} ({type}): {string.Join("; ", errors)}");
        }
    }

    [Theory]
    [MemberData(nameof(AccountFields))]
    public async Task An_account_field_of_another_type_than_declared_is_an_error_naming_it(string name, string type)
    {
        await using var action = TestSettings.CreateAction();

        var report = action.Validate(TestSettings.Settings(TestSettings.Account(a => a[name] = WrongValue(type))));

        Assert.Contains(report.Problems, p => p.Severity == ValidationSeverity.Error && p.Field == name);
    }

    [Theory]
    [MemberData(nameof(ConfigurationFields))]
    public async Task A_configuration_field_of_another_type_than_declared_is_an_error_naming_it(string name, string type)
    {
        await using var action = TestSettings.CreateAction();

        var report = action.Validate(TestSettings.Settings(configuration: TestSettings.Configuration(c => c[name] = WrongValue(type))));

        Assert.Contains(report.Problems, p => p.Severity == ValidationSeverity.Error && p.Field == name);
    }

    [Fact]
    public async Task Every_declared_choice_is_accepted_and_nothing_else()
    {
        await using var action = TestSettings.CreateAction();
        foreach (var (list, field) in Manifest("accountFields").Select(f => ("accountFields", f)).Concat(Manifest("configurationFields").Select(f => ("configurationFields", f))))
        {
            if (field["type"]!.GetValue<string>() != "choice")
            {
                continue;
            }

            var name = field["name"]!.GetValue<string>();
            var choices = field["choices"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
            foreach (var choice in choices.Append("not-a-choice"))
            {
                var settings = list == "accountFields"
                    ? TestSettings.Settings(TestSettings.Account(a => a[name] = choice))
                    : TestSettings.Settings(configuration: TestSettings.Configuration(c => c[name] = choice));
                var errors = action.Validate(settings).Problems.Where(p => p.Severity == ValidationSeverity.Error && p.Field == name).ToList();
                if (choices.Contains(choice))
                {
                    Assert.True(errors.Count == 0, $"{name}: '{choice}' is declared but refused: {string.Join("; ", errors)}");
                }
                else
                {
                    Assert.Equal($"'not-a-choice' is not allowed; expected {string.Join(" or ", choices)}", Assert.Single(errors).Message);
                }
            }
        }
    }

    [Fact]
    public void A_reader_that_reads_a_field_undeclared_or_as_another_type_or_leaves_one_unread_throws()
    {
        DeclaredField[] declared =
        [
            new("name", "a name", DeclaredType.String),
            new("count", "a count", DeclaredType.Number, Default: JsonDocument.Parse("3").RootElement),
            new("limit", "a limit", DeclaredType.Number),
        ];
        var element = JsonDocument.Parse("""{ "name": "x" }""").RootElement;
        JsonFields Fields() => JsonFields.Read(element, "test.json", "test", declared, []);

        Assert.Contains("'other', which is not declared", Assert.Throws<InvalidOperationException>(() => Fields().String("other")).Message, StringComparison.Ordinal);
        Assert.Contains("reads 'count' as String but it is declared as Number", Assert.Throws<InvalidOperationException>(() => Fields().String("count")).Message, StringComparison.Ordinal);
        Assert.Contains("its declaration has none", Assert.Throws<InvalidOperationException>(() => Fields().IntegerOrDefault("limit")).Message, StringComparison.Ordinal);

        var partly = Fields();
        Assert.Equal("x", partly.String("name"));
        Assert.Contains("Declared but never read: count, limit", Assert.Throws<InvalidOperationException>(partly.EnsureEveryFieldRead).Message, StringComparison.Ordinal);

        var fully = Fields();
        fully.String("name");
        Assert.Equal(3, fully.IntegerOrDefault("count"));
        Assert.Null(fully.Integer("limit"));
        fully.EnsureEveryFieldRead();
    }

    // Every field that declares a default has an entry in values (what the read settings hold), equal to the default.
    private static void AssertReadsAsDeclaredDefault<T>(JsonNode declared, string type, T read, Dictionary<string, Func<T, string>> values)
    {
        var name = declared["name"]!.GetValue<string>();
        if (declared["default"] is { } value)
        {
            Assert.True(values.TryGetValue(name, out var held), $"{name} ({type}) declares a default: add it to the test's map of read values");
            Assert.Equal(value.ToString(), held(read), ignoreCase: true);
        }
        else
        {
            Assert.False(values.ContainsKey(name), $"{name} declares no default any more");
        }
    }

    // A JSON value of a kind the declared type does not take.
    private static JsonValue WrongValue(string type) => type switch
    {
        "number" or "boolean" or "list" or "map" => JsonValue.Create("not-" + type),
        _ => JsonValue.Create(42),
    };

    private static TheoryData<string, string> Fields(string list)
    {
        var data = new TheoryData<string, string>();
        foreach (var field in Manifest(list))
        {
            data.Add(field["name"]!.GetValue<string>(), field["type"]!.GetValue<string>());
        }

        return data;
    }

    private static List<JsonNode> Manifest(string list)
        => [.. JsonNode.Parse(File.ReadAllText(Path.Combine(TestSettings.PluginDirectory, Host.Plugins.PluginManifest.FileName)))![list]!.AsArray().Select(f => f!)];

    private static JsonElement Element(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
}
