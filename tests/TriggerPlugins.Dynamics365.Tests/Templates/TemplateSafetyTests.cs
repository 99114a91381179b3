using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Templates;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Templates;

/// <summary>A hostile or careless template cannot read files, stall the host or exhaust its memory.</summary>
public sealed class TemplateSafetyTests
{
    private static readonly TemplateOptions Rome = new(TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome"), "IT");

    [Fact]
    public void An_infinite_loop_stops_at_the_loop_limit()
    {
        var error = Assert.Throws<TemplateRenderException>(() => Render("{{ while true }}x{{ end }}"));
        Assert.Contains("iteration limit `1000`", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_loops_share_one_iteration_budget()
    {
        var error = Assert.Throws<TemplateRenderException>(() => Render("{{ for i in 1..100 }}{{ for j in 1..100 }}{{ end }}{{ end }}"));
        Assert.Contains("iteration limit", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_recursion_stops_at_the_recursion_limit()
    {
        var error = Assert.Throws<TemplateRenderException>(() => Render("{{ func f(x); ret f(x + 1); end; f(1) }}"));
        Assert.Contains("recursive depth limit", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_output_is_capped()
    {
        var text = Render("{{ for i in 1..999 }}" + new string('x', 100) + "{{ end }}");
        Assert.InRange(text.Length, TemplateSandbox.OutputLimit - 100, TemplateSandbox.OutputLimit + 3);
    }

    [Fact]
    public void A_huge_string_allocation_is_refused()
    {
        var error = Assert.Throws<TemplateRenderException>(() => Render("{{ 'x' | string.pad_left 100000000 }}"));
        Assert.Contains("LimitToString", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_catastrophic_regex_times_out()
    {
        var error = Assert.Throws<TemplateRenderException>(() => Render("{{ '" + new string('a', 40) + "!' | regex.match '(a+)+$' }}"));
        Assert.Contains("timed out", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_cannot_read_files()
    {
        var problems = new List<ValidationProblem>();
        Assert.Null(TicketTemplate.Parse("{{ include_join ['a'] '/etc/passwd' }}", "title", "t", problems));
        Assert.Contains("cannot include other files", Assert.Single(problems).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ object.eval_template '{{ include \"x\" }}' }}")]
    [InlineData("{{ object.eval '1 + 1' }}")]
    [InlineData("{{ math.random 1 10 }}")]
    public void Builtins_that_evaluate_strings_or_are_random_are_absent(string source)
    {
        var error = Assert.Throws<TemplateRenderException>(() => Render(source));
        Assert.Contains("was not found", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_clock_is_not_readable()
        => Assert.Equal(string.Empty, Render("{{ date.now }}{{ date.utc_now }}"));

    [Fact]
    public void Rendering_is_cancellable()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var template = Parse("{{ for i in 1..500 }}x{{ end }}");

        Assert.ThrowsAny<OperationCanceledException>(() => template.Render(SampleCalls.Inbound, Rome, cancelled.Token));
    }

    [Fact]
    public void Assignments_in_one_render_do_not_leak_into_the_next()
    {
        var template = Parse("{{ if counter == null; counter = 0; end; counter = counter + 1; counter }}|{{ call.id = 'changed'; call.id }}");
        Assert.Equal("1|changed", template.Render(SampleCalls.Inbound, Rome, CancellationToken.None));
        Assert.Equal("1|changed", template.Render(SampleCalls.Inbound, Rome, CancellationToken.None));
        Assert.Equal("call-in-0001", Parse("{{ call.id }}").Render(SampleCalls.Inbound, Rome, CancellationToken.None));
    }

    [Theory]
    [InlineData("{{ date.format = '%Y' }}")]
    [InlineData("{{ string.upcase = 1 }}")]
    [InlineData("{{ format_duration = 1 }}{{ format_duration }}")]
    public void Shared_builtins_and_helpers_cannot_be_changed_by_a_template(string source)
    {
        // Refused (the shared objects are frozen) or kept in the render's own scope: never seen by the next render.
        _ = Record.Exception(() => Render(source));
        Assert.Equal("1m 01s", Render("{{ format_duration 61 }}"));
        Assert.Equal("14 Mar 2025 10:15", Render("{{ call.start_time | date.to_string '%d %b %Y %H:%M' }}"));
    }

    [Fact]
    public void Changing_a_builtin_is_refused_with_a_message()
    {
        var error = Assert.Throws<TemplateRenderException>(() => Render("{{ date.format = '%Y' }}"));
        Assert.Contains("readonly", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_values_render_as_empty_text()
    {
        var text = Render(
            "[{{ call.agent.name }}][{{ call.answer_time }}][{{ format_date call.answer_time }}][{{ format_duration call.wait_seconds }}][{{ format_phone call.called_number }}][{{ call.variables.x }}][{{ call.nothing }}]",
            SampleCalls.Minimal);
        Assert.Equal("[][][][][][][]", text);
    }

    [Theory]
    [InlineData("{{ format_duration 0 }}", "0s")]
    [InlineData("{{ format_duration 42 }}", "42s")]
    [InlineData("{{ format_duration 125 }}", "2m 05s")]
    [InlineData("{{ format_duration 3723 }}", "1h 02m 03s")]
    [InlineData("{{ format_phone '06 12345678' }}", "+39 06 1234 5678")]
    [InlineData("{{ format_phone 'ext. 12' }}", "ext. 12")]
    [InlineData("{{ format_date call.start_time }}", "2025-03-14 10:15")]
    [InlineData("{{ format_date call.start_time 'dd/MM/yyyy HH:mm:ss' }}", "14/03/2025 10:15:02")]
    [InlineData("{{ format_date call.start_time 'HH:mm zzz' 'America/New_York' }}", "05:15 -04:00")]
    [InlineData("{{ call.start_time | format_date 'yyyy' }}", "2025")]
    public void Helpers_format_durations_phones_and_dates(string source, string expected)
        => Assert.Equal(expected, Render(source));

    [Fact]
    public void An_unknown_time_zone_in_format_date_says_so()
    {
        var error = Assert.Throws<TemplateRenderException>(() => Render("{{ format_date call.start_time 'HH:mm' 'Mars/Base' }}"));
        Assert.Contains("unknown time zone 'Mars/Base'", error.Reason, StringComparison.Ordinal);
    }

    private static string Render(string source, CallEvent? call = null)
        => Parse(source).Render(call ?? SampleCalls.Inbound, Rome, CancellationToken.None);

    private static TicketTemplate Parse(string source)
    {
        var problems = new List<ValidationProblem>();
        var template = TicketTemplate.Parse(source, "title", "test", problems);
        Assert.Empty(problems);
        return template!;
    }
}
