using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Templates;

/// <summary>A call with every value set: strict validation renders templates on it.</summary>
internal static class SampleCall
{
    public static CallEvent Complete { get; } = new()
    {
        Id = "sample-call-0001",
        Kind = CallEventKind.CallEnd,
        Direction = CallDirection.Inbound,
        CallerNumber = "+39 06 1234 5678",
        CallerName = "Mario Rossi",
        CalledNumber = "+39 02 9999 0000",
        Queue = "support",
        Status = CallStatus.Answered,
        Agent = new AgentInfo { Id = "201", Name = "Alice Rossi", Email = "alice.rossi@contoso.com", Extension = "201" },
        StartTime = new DateTimeOffset(2025, 3, 14, 9, 15, 2, TimeSpan.Zero),
        AnswerTime = new DateTimeOffset(2025, 3, 14, 9, 15, 20, TimeSpan.Zero),
        EndTime = new DateTimeOffset(2025, 3, 14, 9, 21, 47, TimeSpan.Zero),
        HoldSeconds = 30,
        TalkSeconds = 357,
        TotalSeconds = 405,
        RecordingReference = "recordings/2025/03/14/sample-call-0001.wav",
        Disposition = "resolved",
        Variables = new Dictionary<string, string> { ["ivr_choice"] = "2", ["customer_code"] = "C-1042" },
    };
}
