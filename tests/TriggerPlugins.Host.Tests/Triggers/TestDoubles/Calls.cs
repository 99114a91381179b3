using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Tests.TestDoubles;

/// <summary>Call events for tests: an inbound call to queue "support", answered by Alice; vary it with <c>with</c>.</summary>
public static class Calls
{
    public static CallEvent Answered(string id = "call-1") => new()
    {
        Id = id,
        Kind = CallEventKind.CallEnd,
        Direction = CallDirection.Inbound,
        CallerNumber = "+390612345678",
        CallerName = "Mario Rossi",
        CalledNumber = "0612345",
        Queue = "support",
        Status = CallStatus.Answered,
        Agent = new AgentInfo { Id = "42", Name = "Alice Rossi", Email = "alice.rossi@contoso.com", Extension = "1001" },
        StartTime = new DateTimeOffset(2025, 3, 14, 9, 30, 0, TimeSpan.FromHours(1)),
        AnswerTime = new DateTimeOffset(2025, 3, 14, 9, 30, 20, TimeSpan.FromHours(1)),
        EndTime = new DateTimeOffset(2025, 3, 14, 9, 35, 0, TimeSpan.FromHours(1)),
        TalkSeconds = 280,
        TotalSeconds = 300,
        Disposition = "sale",
        Route = "trunk-eu",
        Variables = new Dictionary<string, string> { ["lang"] = "it" },
    };
}
