using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TriggerPlugins.Host.Tests.TestDoubles;
using TriggerPlugins.Host.Triggers;
using static TriggerPlugins.Host.Tests.Triggers.TriggerTestKit;

namespace TriggerPlugins.Host.Tests.Triggers;

public sealed class TriggerEngineTests
{
    private const string TwoActions = """
        { "on": ["call-end"], "actions": [
            { "plugin": "dynamics365", "account": "contoso", "configuration": "default" },
            { "plugin": "dynamics365", "account": "contoso", "configuration": "with-fields" } ] }
        """;

    private const string QueueSupport = """
        { "on": ["call-end"], "conditions": [ { "field": "queue", "operator": "is", "value": "support" } ],
          "actions": [ { "plugin": "dynamics365", "account": "other", "configuration": "default" } ] }
        """;

    private const string QueueSales = """
        { "on": ["call-end"], "conditions": [ { "field": "queue", "operator": "is", "value": "sales" } ],
          "actions": [ { "plugin": "dynamics365", "account": "other", "configuration": "default" } ] }
        """;

    [Fact]
    public void Each_action_of_each_matching_trigger_is_planned_once_in_trigger_name_order()
    {
        var engine = new TriggerEngine([Compile(QueueSupport, "b-support"), Compile(TwoActions, "a-all"), Compile(QueueSales, "c-sales")]);

        var planned = engine.Match(Calls.Answered("call-7"));

        Assert.Equal(
            [("a-all", 0, "default"), ("a-all", 1, "with-fields"), ("b-support", 0, "default")],
            planned.Select(p => (p.TriggerName, p.ActionIndex, p.Action.Configuration)));
        Assert.Equal(planned.Select(p => DeliveryIds.Create("call-7", p.TriggerName, p.ActionIndex)), planned.Select(p => p.DeliveryId));
        Assert.Equal(3, planned.Select(p => p.DeliveryId).Distinct().Count());
    }

    [Fact]
    public void The_same_event_plans_the_same_delivery_ids()
    {
        var engine = new TriggerEngine([Compile(TwoActions, "a-all")]);

        Assert.Equal(
            engine.Match(Calls.Answered("call-7")).Select(p => p.DeliveryId),
            engine.Match(Calls.Answered("call-7")).Select(p => p.DeliveryId));
        Assert.NotEqual(
            engine.Match(Calls.Answered("call-7")).Select(p => p.DeliveryId),
            engine.Match(Calls.Answered("call-8")).Select(p => p.DeliveryId));
    }

    [Fact]
    public void A_pathological_regex_times_out_and_counts_as_not_met()
    {
        var trigger = Compile(WithConditions("""{ "field": "callerNumber", "operator": "matches", "value": "^(a+)+$" }"""));
        var logger = new FakeLogger<TriggerEngine>();
        var engine = new TriggerEngine([trigger], logger);

        // The pattern works: a short matching number fires, so "not met" below is the timeout, not a plain non-match.
        Assert.NotEmpty(engine.Match(Calls.Answered() with { CallerNumber = "aaaa" }));
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);

        Assert.Empty(engine.Match(Calls.Answered() with { CallerNumber = new string('a', 5000) + "!" }));

        var warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("took too long", warning.Message, StringComparison.Ordinal);
    }
}
