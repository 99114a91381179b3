using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Settings;
using TriggerPlugins.Dynamics365.Templates;
using TriggerPlugins.Dynamics365.Tickets;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Templates;

/// <summary>
/// The templates of a ticket share one frozen call model, and each thread reuses its template context:
/// nothing a render assigns, nor a render that failed, may show in another render.
/// </summary>
public sealed class TemplateReuseTests
{
    private static readonly TemplateOptions Rome = new(TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome"), "IT");

    private const string Assigning =
        "{{ x = 1; call.id = 'changed'; call.agent.name = 'Eve'; call.variables.ivr_choice = '9'; call.variables.added = 'yes' }}" +
        "{{ with call.agent; email = 'eve@example.com'; end }}{{ call.id }}|{{ call.agent.name }}|{{ call.agent.email }}|{{ call.variables.ivr_choice }}|{{ call.variables | object.size }}";

    private const string Reading =
        "{{ x }}|{{ call.id }}|{{ call.agent.name }}|{{ call.agent.email }}|{{ call.variables.ivr_choice }}|{{ call.variables.added }}|{{ call.variables | object.size }}";

    [Fact]
    public void What_the_title_assigns_is_not_seen_by_the_description_or_the_fields()
    {
        var configuration = new TicketConfiguration(Parse(Assigning), Parse(Reading), Rome,
            [new FieldMapping("new_reading", Parse(Reading), null, FieldType.String, null)]);

        var ticket = RenderedTicket.Render(configuration, SampleCalls.Inbound, CancellationToken.None);

        Assert.Equal("changed|Eve|eve@example.com|9|3", ticket.Title);
        var untouched = "|call-in-0001|Alice Rossi|Alice.Rossi@contoso.com|2||2";
        Assert.Equal(untouched, ticket.Description);
        Assert.Equal(untouched, Assert.Single(ticket.Fields).Value!.GetValue<string>());
    }

    [Fact]
    public void A_render_that_assigns_sees_its_own_writes_when_it_loops_over_the_model()
    {
        var template = Parse("{{ call.variables.zz = 'added' }}{{ for v in call.variables }}{{ v.key }}={{ v.value }};{{ end }}");
        var model = CallModel.Create(SampleCalls.Inbound, Rome);

        Assert.Equal("customer_code=C-1042;ivr_choice=2;zz=added;", template.Render(model, Rome, CancellationToken.None));
        Assert.Equal("call-in-0001|2", Parse("{{ call.id }}|{{ call.variables | object.size }}").Render(model, Rome, CancellationToken.None));
    }

    [Fact]
    public void The_shared_model_cannot_be_changed_outside_a_render()
    {
        var model = CallModel.Create(SampleCalls.Inbound, Rome);
        var call = Assert.IsType<ModelObject>(model["call"]);

        Assert.ThrowsAny<InvalidOperationException>(() => call["id"] = "changed");
        Assert.ThrowsAny<InvalidOperationException>(() => model["call"] = null);
        Assert.Equal("call-in-0001", call["id"]);
    }

    [Fact]
    public void Concurrent_renders_each_produce_their_own_calls_text()
    {
        var template = Parse("{{ counter = (counter ?? 0) + 1 }}{{ call.id = call.id + '!' }}{{ counter }}:{{ call.id }}:{{ for i in 1..20 }}{{ call.variables.n }}{{ end }}");
        var results = new string[400];

        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var call = SampleCalls.Inbound with { Id = $"call-{i}", Variables = new Dictionary<string, string> { ["n"] = (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture) } };
            results[i] = template.Render(call, Rome, CancellationToken.None);
        });

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal($"1:call-{i}!:{new string((char)('0' + (i % 10)), 20)}", results[i]);
        }
    }

    [Fact]
    public void A_render_that_hit_a_limit_leaves_nothing_for_the_next_render_on_the_thread()
    {
        var model = CallModel.Create(SampleCalls.Inbound, Rome);
        var looping = Parse("{{ leftover = 'x' }}partial output{{ for i in 1..40 }}{{ for j in 1..40 }}{{ end }}{{ end }}");
        var recursing = Parse("before{{ func f(x); ret f(x + 1); end; f(1) }}");

        Assert.Throws<TemplateRenderException>(() => looping.Render(model, Rome, CancellationToken.None));
        Assert.Throws<TemplateRenderException>(() => recursing.Render(model, Rome, CancellationToken.None));

        // A fresh iteration budget and call depth, no output or variable from the failed renders.
        var next = Parse("[{{ leftover }}]{{ for i in 1..30 }}{{ for j in 1..30 }}{{ end }}{{ end }}{{ func g(n); if n > 0; ret g(n - 1); end; ret 'deep'; end; g(15) }}");
        Assert.Equal("[]deep", next.Render(model, Rome, CancellationToken.None));
    }

    [Fact]
    public void A_cancelled_render_leaves_nothing_for_the_next_render_on_the_thread()
    {
        var model = CallModel.Create(SampleCalls.Inbound, Rome);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Parse("{{ y = 1 }}partial{{ for i in 1..500 }}x{{ end }}").Render(model, Rome, cancelled.Token));

        Assert.Equal("[]call-in-0001", Parse("[{{ y }}]{{ call.id }}").Render(model, Rome, CancellationToken.None));
    }

    [Fact]
    public void Strict_validation_after_production_renders_still_reports_unknown_members()
    {
        _ = Parse("{{ call.id }}").Render(SampleCalls.Inbound, Rome, CancellationToken.None);

        var problem = Assert.Single(Parse("{{ call.agnet }}").CheckStrict(Rome));

        Assert.Equal(ValidationSeverity.Warning, problem.Severity);
        Assert.Contains("`call` has no member `agnet`", problem.Message, StringComparison.Ordinal);
        // And production rendering stays relaxed on the same thread afterwards.
        Assert.Equal(string.Empty, Parse("{{ call.agnet }}").Render(SampleCalls.Inbound, Rome, CancellationToken.None));
    }

    [Fact]
    public void Strict_validation_reports_every_unknown_variable_and_member_with_its_position()
    {
        var problems = Parse("{{ call.agnet }} {{ nme }}\n{{ call.agent.mail }} {{ queue_name }} {{ call.id }} {{ call.qeue }}").CheckStrict(Rome);

        Assert.Equal(
            ["1,9: `call` has no member `agnet`", "1,21: nme", "2,15: `call.agent` has no member `mail`", "2,26: queue_name", "2,62: `call` has no member `qeue`"],
            problems.OrderBy(p => p.Line).ThenBy(p => p.Column).Select(p => $"{p.Line},{p.Column}: {Tail(p.Message)}"));
        Assert.All(problems, p => Assert.Equal(ValidationSeverity.Warning, p.Severity));

        static string Tail(string message) => message.Contains("has no member", StringComparison.Ordinal)
            ? message[message.IndexOf('`', StringComparison.Ordinal)..]
            : message.Split('`')[1];
    }

    private static TicketTemplate Parse(string source)
    {
        var problems = new List<ValidationProblem>();
        var template = TicketTemplate.Parse(source, "title", "test", problems);
        Assert.Empty(problems);
        return template!;
    }
}
