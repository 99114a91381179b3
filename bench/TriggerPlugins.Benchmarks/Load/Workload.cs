using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Benchmarks.Load;

/// <summary>Answered inbound calls (the sample trigger "inbound-answered" matches them) from a pool of callers and agents.</summary>
internal static class Workload
{
    private static readonly string[] NamedAgents = ["alice.rossi@contoso.com", "bruno.bianchi@contoso.com", "carla.verdi@contoso.com"];

    /// <summary>Each call's events, in the order the contact center sends them.</summary>
    public static IEnumerable<CallEvent[]> CallEvents(LoadOptions options)
    {
        foreach (var end in Calls(options))
        {
            if (options.EventsPerCall == 1)
            {
                yield return [end];
                continue;
            }

            var call = end with { CallId = end.Id, Queue = "support-en" };
            var start = call with
            {
                Id = end.Id + "-start", Kind = CallEventKind.CallStart, Status = CallStatus.Unanswered, Agent = null, AnswerTime = null,
                EndTime = null, TalkSeconds = 0, TotalSeconds = 0, Disposition = null,
            };
            var connect = start with { Id = end.Id + "-connect", Kind = CallEventKind.AgentConnect, Status = CallStatus.Answered, Agent = end.Agent, AnswerTime = end.AnswerTime };
            yield return [start, connect, call with { Id = end.Id + "-end" }];
        }
    }

    /// <summary>One call-end event per call.</summary>
    public static IEnumerable<CallEvent> Calls(LoadOptions options)
    {
        var random = new Random(20261125);
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < options.Tickets; i++)
        {
            // Every caller calls at least once, early on; later calls come back to known callers.
            var caller = i < options.DistinctCallers ? i : random.Next(options.DistinctCallers);
            var agent = i % options.Agents;
            yield return new CallEvent
            {
                Id = $"load-{Guid.NewGuid():N}",
                Kind = CallEventKind.CallEnd,
                Direction = CallDirection.Inbound,
                Status = CallStatus.Answered,
                CallerNumber = $"+3902{caller:D8}",
                CallerName = $"Caller {caller}",
                CalledNumber = "+390699999999",
                Queue = "support",
                Agent = new AgentInfo { Email = agent < NamedAgents.Length ? NamedAgents[agent] : $"agent{agent + 1:D2}@contoso.com", Name = $"Agent {agent + 1}" },
                StartTime = start.AddSeconds(i),
                AnswerTime = start.AddSeconds(i + 10),
                EndTime = start.AddSeconds(i + 190),
                TalkSeconds = 180,
                TotalSeconds = 190,
                Disposition = "solved",
            };
        }
    }
}
