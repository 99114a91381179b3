using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Abstractions.Tests;

public sealed class ValidationReportTests
{
    [Theory]
    [InlineData(null, null, "accounts/contoso.json: clientSecret: is required")]
    [InlineData(3, 7, "accounts/contoso.json(3,7): clientSecret: is required")]
    [InlineData(3, null, "accounts/contoso.json(3,1): clientSecret: is required")]
    public void A_problem_reads_source_position_field_and_message(int? line, int? column, string expected)
    {
        var problem = new ValidationProblem(ValidationSeverity.Error, "accounts/contoso.json", "clientSecret", "is required", line, column);

        Assert.Equal(expected, problem.ToString());
    }

    [Fact]
    public void A_warning_says_so_and_a_problem_without_field_omits_it()
    {
        var warning = new ValidationProblem(ValidationSeverity.Warning, "templates/title.sbn", "", "the template renders an empty title", 2, 5);

        Assert.Equal("templates/title.sbn(2,5): warning: the template renders an empty title", warning.ToString());
    }

    [Fact]
    public void A_report_is_valid_with_warnings_only_and_invalid_with_any_error()
    {
        var warning = new ValidationProblem(ValidationSeverity.Warning, "c.json", "timeZone", "unknown; UTC is used");
        var error = new ValidationProblem(ValidationSeverity.Error, "a.json", "weburl", "must be an absolute https URL");

        Assert.True(ValidationReport.Valid.IsValid);
        Assert.Empty(ValidationReport.Valid.Problems);
        Assert.True(new ValidationReport([warning]).IsValid);
        var invalid = new ValidationReport([warning, error]);
        Assert.False(invalid.IsValid);
        Assert.Equal([warning, error], invalid.Problems);
    }

    [Fact]
    public void A_report_keeps_its_own_copy_of_the_problems()
    {
        var problems = new List<ValidationProblem> { new(ValidationSeverity.Warning, "c.json", "x", "y") };
        var report = new ValidationReport(problems);

        problems.Add(new ValidationProblem(ValidationSeverity.Error, "c.json", "x", "z"));

        Assert.Single(report.Problems);
        Assert.True(report.IsValid);
    }
}
