using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Tests.TestDoubles;
using static TriggerPlugins.Host.Tests.Triggers.TriggerTestKit;

namespace TriggerPlugins.Host.Tests.Triggers;

public sealed class ConditionMatrixTests
{
    // The event: inbound, answered, queue "support", caller +390612345678, called 0612345, agent alice (id 42),
    // disposition "sale", route "trunk-eu", variable lang=it.
    [Theory]
    [InlineData("queue", "is", "\"support\"", true)]
    [InlineData("queue", "is", "\"SUPPORT\"", true)]
    [InlineData("queue", "is", "\"sales\"", false)]
    [InlineData("queue", "isNot", "\"sales\"", true)]
    [InlineData("queue", "isNot", "\"support\"", false)]
    [InlineData("queue", "in", "[\"sales\", \"support\"]", true)]
    [InlineData("queue", "in", "[\"sales\", \"billing\"]", false)]
    [InlineData("queue", "notIn", "[\"sales\"]", true)]
    [InlineData("queue", "notIn", "[\"support\"]", false)]
    [InlineData("queue", "startsWith", "\"sup\"", true)]
    [InlineData("queue", "startsWith", "\"sal\"", false)]
    [InlineData("queue", "matches", "\"^sup.*t$\"", true)]
    [InlineData("queue", "matches", "\"^sales\"", false)]
    [InlineData("status", "is", "\"answered\"", true)]
    [InlineData("status", "is", "\"abandoned\"", false)]
    [InlineData("status", "isNot", "\"abandoned\"", true)]
    [InlineData("status", "isNot", "\"answered\"", false)]
    [InlineData("status", "in", "[\"busy\", \"answered\"]", true)]
    [InlineData("status", "in", "[\"unanswered\", \"abandoned\"]", false)]
    [InlineData("status", "notIn", "[\"failed\"]", true)]
    [InlineData("status", "notIn", "[\"answered\"]", false)]
    [InlineData("outbound", "is", "false", true)]
    [InlineData("outbound", "is", "true", false)]
    [InlineData("outbound", "isNot", "true", true)]
    [InlineData("outbound", "isNot", "false", false)]
    [InlineData("callerNumber", "is", "\"+390612345678\"", true)]
    [InlineData("callerNumber", "is", "\"+390612345679\"", false)]
    [InlineData("callerNumber", "isNot", "\"+390612345679\"", true)]
    [InlineData("callerNumber", "startsWith", "\"+39\"", true)]
    [InlineData("callerNumber", "startsWith", "\"+44\"", false)]
    [InlineData("callerNumber", "matches", "\"^\\\\+39\"", true)]
    [InlineData("callerNumber", "matches", "\"^\\\\+44\"", false)]
    [InlineData("callerNumber", "in", "[\"+390612345678\"]", true)]
    [InlineData("callerNumber", "notIn", "[\"+390612345678\"]", false)]
    [InlineData("calledNumber", "is", "\"0612345\"", true)]
    [InlineData("calledNumber", "startsWith", "\"07\"", false)]
    [InlineData("agent", "is", "\"alice.rossi@contoso.com\"", true)]
    [InlineData("agent", "is", "\"Alice.Rossi@Contoso.com\"", true)]
    [InlineData("agent", "is", "\"42\"", true)]
    [InlineData("agent", "is", "\"bruno.bianchi@contoso.com\"", false)]
    [InlineData("agent", "isNot", "\"bruno.bianchi@contoso.com\"", true)]
    [InlineData("agent", "isNot", "\"alice.rossi@contoso.com\"", false)]
    [InlineData("agent", "in", "[\"bruno.bianchi@contoso.com\", \"alice.rossi@contoso.com\"]", true)]
    [InlineData("agent", "notIn", "[\"alice.rossi@contoso.com\"]", false)]
    [InlineData("agent", "startsWith", "\"alice.\"", true)]
    [InlineData("agent", "matches", "\"@contoso\\\\.com$\"", true)]
    [InlineData("agent", "matches", "\"@fabrikam\\\\.com$\"", false)]
    [InlineData("disposition", "is", "\"sale\"", true)]
    [InlineData("disposition", "isNot", "\"spam\"", true)]
    [InlineData("disposition", "isNot", "\"sale\"", false)]
    [InlineData("disposition", "in", "[\"spam\", \"wrong-number\"]", false)]
    [InlineData("disposition", "matches", "\"^sa\"", true)]
    [InlineData("route", "is", "\"TRUNK-EU\"", true)]
    [InlineData("route", "startsWith", "\"trunk-us\"", false)]
    [InlineData("route", "in", "[\"trunk-eu\", \"trunk-us\"]", true)]
    [InlineData("variables.lang", "is", "\"it\"", true)]
    [InlineData("variables.lang", "is", "\"en\"", false)]
    [InlineData("variables.missing", "is", "\"x\"", false)]
    [InlineData("variables.missing", "isNot", "\"x\"", true)]
    public void Every_field_and_operator_decides_as_documented(string field, string @operator, string value, bool expected)
    {
        var trigger = WithConditions($$"""{ "field": "{{field}}", "operator": "{{@operator}}", "value": {{value}} }""");

        Assert.Equal(expected, Fires(trigger, Calls.Answered()));
    }

    [Theory]
    [InlineData("queue", "is", "\"support\"", false)]
    [InlineData("queue", "in", "[\"support\"]", false)]
    [InlineData("queue", "startsWith", "\"s\"", false)]
    [InlineData("queue", "matches", "\".*\"", false)]
    [InlineData("queue", "isNot", "\"support\"", true)]
    [InlineData("queue", "notIn", "[\"support\"]", true)]
    [InlineData("agent", "is", "\"alice.rossi@contoso.com\"", false)]
    [InlineData("agent", "isNot", "\"alice.rossi@contoso.com\"", true)]
    [InlineData("disposition", "isNot", "\"spam\"", true)]
    [InlineData("callerNumber", "startsWith", "\"+\"", false)]
    public void A_missing_value_meets_only_the_negative_operators(string field, string @operator, string value, bool expected)
    {
        var call = Calls.Answered() with { Queue = null, Agent = null, Disposition = null, CallerNumber = null };
        var trigger = WithConditions($$"""{ "field": "{{field}}", "operator": "{{@operator}}", "value": {{value}} }""");

        Assert.Equal(expected, Fires(trigger, call));
    }

    [Fact]
    public void Outbound_is_true_for_an_outbound_call()
    {
        var call = Calls.Answered() with { Direction = CallDirection.Outbound };

        Assert.True(Fires(WithConditions("""{ "field": "outbound", "operator": "is", "value": true }"""), call));
        Assert.False(Fires(WithConditions("""{ "field": "outbound", "operator": "is", "value": false }"""), call));
    }

    private const string OneTrueOneFalse = """
        { "field": "queue", "operator": "is", "value": "support" },
        { "field": "status", "operator": "is", "value": "abandoned" }
        """;

    [Fact]
    public void All_needs_every_condition()
    {
        Assert.False(Fires(WithConditions(OneTrueOneFalse, match: "all"), Calls.Answered()));
        Assert.True(Fires(WithConditions("""{ "field": "queue", "operator": "is", "value": "support" }, { "field": "status", "operator": "is", "value": "answered" }""", match: "all"), Calls.Answered()));
    }

    [Fact]
    public void Any_needs_one_condition()
    {
        Assert.True(Fires(WithConditions(OneTrueOneFalse, match: "any"), Calls.Answered()));
        Assert.False(Fires(WithConditions("""{ "field": "queue", "operator": "is", "value": "sales" }, { "field": "status", "operator": "is", "value": "abandoned" }""", match: "any"), Calls.Answered()));
    }

    [Theory]
    [InlineData("all")]
    [InlineData("any")]
    public void No_conditions_match_every_event_of_the_listed_kinds(string match)
    {
        var trigger = $$"""{ "on": ["call-end"], "match": "{{match}}", "actions": [ { "plugin": "dynamics365", "account": "contoso", "configuration": "default" } ] }""";

        Assert.True(Fires(trigger, Calls.Answered()));
        Assert.False(Fires(trigger, Calls.Answered() with { Kind = CallEventKind.AgentConnect }));
    }

    [Theory]
    [InlineData(CallEventKind.CallEnd, true)]
    [InlineData(CallEventKind.Abandon, true)]
    [InlineData(CallEventKind.AgentConnect, false)]
    [InlineData(CallEventKind.CallStart, false)]
    public void A_trigger_fires_only_on_its_event_kinds(CallEventKind kind, bool expected)
    {
        var trigger = WithConditions(string.Empty, on: """["call-end", "abandon"]""");

        Assert.Equal(expected, Fires(trigger, Calls.Answered() with { Kind = kind }));
    }

    [Fact]
    public void A_single_event_kind_may_be_a_string()
    {
        Assert.True(Fires(WithConditions(string.Empty, on: "\"call-end\""), Calls.Answered()));
    }

    [Fact]
    public void A_disabled_trigger_matches_nothing()
    {
        var trigger = """{ "enabled": false, "on": ["call-end"], "actions": [ { "plugin": "dynamics365", "account": "contoso", "configuration": "default" } ] }""";

        Assert.False(Fires(trigger, Calls.Answered()));
    }
}
