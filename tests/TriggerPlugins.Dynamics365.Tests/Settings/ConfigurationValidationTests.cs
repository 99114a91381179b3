using System.Text.Json.Nodes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Settings;

public sealed class ConfigurationValidationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("d365-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_default_configuration_with_the_plugins_templates_is_valid_and_strict_clean()
    {
        await using var action = TestSettings.CreateAction();
        var report = action.Validate(TestSettings.Settings(configuration: new JsonObject()));
        Assert.Empty(report.Problems);
    }

    [Fact]
    public async Task An_inline_syntax_error_is_reported_with_field_line_and_column()
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["title"] = "Call {{ call.id }}\nfrom {{ call.caller_number | }}");

        var report = action.Validate(TestSettings.Settings(configuration: configuration));

        Assert.False(report.IsValid);
        var problem = Assert.Single(report.Problems);
        Assert.Equal("configurations/tickets.json", problem.Source);
        Assert.Equal("title", problem.Field);
        Assert.Equal(2, problem.Line);
        Assert.Equal(30, problem.Column);
        Assert.StartsWith("syntax error: ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_syntax_error_in_a_template_file_names_the_file()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "desc.sbn"), "Line one\nLine two\n  {{ if call.queue }} no end");
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["descriptionFile"] = "desc.sbn");

        var report = action.Validate(TestSettings.Settings(configuration: configuration, baseDirectory: _folder));

        var problem = Assert.Single(report.Problems);
        // Config-relative, as the docs promise, and naming the configuration that uses the file.
        Assert.Equal("desc.sbn", problem.Source);
        Assert.StartsWith("description (descriptionFile of ", problem.Field, StringComparison.Ordinal);
        Assert.Equal(3, problem.Line);
        Assert.Contains("end", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_template_file_is_an_error_on_the_file_field()
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["titleFile"] = "nowhere/title.sbn");

        var problem = Assert.Single(action.Validate(TestSettings.Settings(configuration: configuration, baseDirectory: _folder)).Problems);
        Assert.Equal("titleFile", problem.Field);
        Assert.StartsWith("'nowhere/title.sbn' does not exist", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inline_text_and_a_file_for_the_same_field_are_refused()
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c =>
        {
            c["title"] = "x";
            c["titleFile"] = "title.sbn";
        });

        var problem = Assert.Single(action.Validate(TestSettings.Settings(configuration: configuration)).Problems);
        Assert.Equal("titleFile", problem.Field);
        Assert.Contains("either title or titleFile", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("defaultCountry", "Italy", "not an ISO 3166 two-letter country code")]
    [InlineData("defaultCountry", "XX", "not an ISO 3166 two-letter country code")]
    [InlineData("timeZone", "Mars/Olympus", "not an IANA time zone id")]
    [InlineData("timeZone", "W. Europe Standard Time", "not an IANA time zone id")]
    public async Task Country_and_time_zone_must_be_standard_codes(string field, string value, string expected)
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c[field] = value);

        var problem = Assert.Single(action.Validate(TestSettings.Settings(configuration: configuration)).Problems);
        Assert.Equal(field, problem.Field);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> MappingErrors => new()
    {
        { "PriorityCode", "\"2\"", "must be an incident attribute's logical name" },
        { "title", "\"x\"", "is written by the plugin itself" },
        { "ownerid@odata.bind", "\"/systemusers(1)\"", "is written by the plugin itself" },
        { "new_list", "[1,2]", "must be a template string, a constant" },
        { "new_bad", "\"{{ if }}\"", "syntax error" },
        { "new_typed", "{\"template\":\"1\",\"type\":\"date\"}", "'date' is not a type" },
        { "new_typed", "{\"type\":\"integer\"}", "is required: the Scriban template" },
        { "_ownerid_value", "\"x\"", "is a lookup's read-only value property (Dataverse refuses it on create); to set the lookup, map \"ownerid@odata.bind\"" },
        { "_new_site_value", "\"x\"", "map \"new_site@odata.bind\" to \"/<entity set>(<id>)\"" },
    };

    [Theory]
    [MemberData(nameof(MappingErrors))]
    public async Task Field_mappings_are_checked(string attribute, string json, string expected)
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["fields"] = new JsonObject { [attribute] = JsonNode.Parse(json) });

        var report = action.Validate(TestSettings.Settings(configuration: configuration));

        Assert.False(report.IsValid);
        // The first error is the cause; a parser may add follow-on errors after it.
        var problem = report.Problems.First(p => p.Severity == ValidationSeverity.Error);
        Assert.StartsWith($"fields.{attribute}", problem.Field, StringComparison.Ordinal);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_mappings_accept_templates_constants_and_typed_templates()
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["fields"] = new JsonObject
        {
            ["prioritycode"] = 2,
            ["new_callid"] = "{{ call.id }}",
            ["new_urgent"] = new JsonObject { ["template"] = "{{ call.status == 'abandoned' }}", ["type"] = "boolean" },
            ["subjectid@odata.bind"] = "/subjects(6b3f2a10-1c2d-4e5f-8a9b-0c1d2e3f4a5b)",
        });

        var report = action.Validate(TestSettings.Settings(configuration: configuration));
        Assert.Empty(report.Problems);
    }

    [Fact]
    public async Task An_unknown_variable_is_a_strict_warning_with_its_position_and_still_renders_empty()
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c =>
        {
            c["title"] = "Call from {{ call.caler_number }}";
            c["description"] = "Queue {{ queue_name }}.";
        });
        var settings = TestSettings.Settings(configuration: configuration);

        var report = action.Validate(settings);

        Assert.True(report.IsValid);
        var title = Assert.Single(report.Problems, p => p.Field == "title");
        Assert.Equal(ValidationSeverity.Warning, title.Severity);
        Assert.Equal((1, 19), (title.Line, title.Column));
        Assert.Contains("`call` has no member `caler_number`", title.Message, StringComparison.Ordinal);
        var description = Assert.Single(report.Problems, p => p.Field == "description");
        Assert.Contains("queue_name", description.Message, StringComparison.Ordinal);

        var preview = await action.PreviewAsync(TestSettings.Request(SampleCalls.Inbound, settings), CancellationToken.None);
        Assert.Equal("Call from", preview.Fields["title"]);
        Assert.Equal("Queue .", preview.Fields["description"]);
    }

    [Fact]
    public async Task Include_is_refused_when_the_configuration_is_loaded()
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["description"] = "Notes:\n{{ include '/etc/passwd' }}");

        var problem = Assert.Single(action.Validate(TestSettings.Settings(configuration: configuration)).Problems);
        Assert.Equal(ValidationSeverity.Error, problem.Severity);
        Assert.Equal((2, 4), (problem.Line, problem.Column));
        Assert.Contains("cannot include other files", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calling_a_removed_builtin_is_an_error_at_validation()
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["title"] = "{{ object.eval 'call.id' }}");

        var problem = Assert.Single(action.Validate(TestSettings.Settings(configuration: configuration)).Problems);
        Assert.Equal(ValidationSeverity.Error, problem.Severity);
        Assert.Contains("`object.eval` was not found", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_that_always_breaks_a_limit_is_refused_at_validation()
    {
        await using var action = TestSettings.CreateAction();
        var configuration = TestSettings.Configuration(c => c["title"] = "{{ while true }}x{{ end }}");

        var problem = Assert.Single(action.Validate(TestSettings.Settings(configuration: configuration)).Problems);
        Assert.Equal(ValidationSeverity.Error, problem.Severity);
        Assert.Contains("fails on a sample call", problem.Message, StringComparison.Ordinal);
        Assert.Contains("iteration limit", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executing_with_invalid_settings_is_permanent_and_lists_the_problems_without_any_request()
    {
        await using var action = TestSettings.CreateAction();
        // weburl unreachable on purpose: a network call would fail differently (transient), not with settings.invalid.
        var account = TestSettings.Account(a => a["clientId"] = "nope");
        var configuration = TestSettings.Configuration(c => c["timeZone"] = "Nowhere/Never");

        var outcome = await action.ExecuteAsync(TestSettings.Request(SampleCalls.Inbound, TestSettings.Settings(account, configuration)), CancellationToken.None);

        var permanent = Assert.IsType<ActionFailedPermanent>(outcome);
        Assert.Equal("settings.invalid", permanent.Code);
        Assert.Contains("clientId", permanent.Reason, StringComparison.Ordinal);
        Assert.Contains("timeZone", permanent.Reason, StringComparison.Ordinal);
    }
}
