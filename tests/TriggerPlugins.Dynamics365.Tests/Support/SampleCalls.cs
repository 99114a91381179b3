using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Templates;

namespace TriggerPlugins.Dynamics365.Tests.Support;

/// <summary>The calls the golden outputs are rendered from.</summary>
public static class SampleCalls
{
    /// <summary>The plugin's own complete sample call, with a national called number and a mixed-case agent email.</summary>
    public static CallEvent Inbound { get; } = SampleCall.Complete with
    {
        Id = "call-in-0001",
        CalledNumber = "02 9999 0000",
        Agent = SampleCall.Complete.Agent! with { Email = "Alice.Rossi@contoso.com" },
        RecordingReference = "recordings/2025/03/14/call-in-0001.wav",
    };

    public static CallEvent Outbound { get; } = new()
    {
        Id = "call-out-0002",
        Kind = CallEventKind.CallEnd,
        Direction = CallDirection.Outbound,
        CallerNumber = "0299990000",
        CallerName = "Contoso Support",
        CalledNumber = "+44 1632 960961",
        Status = CallStatus.Unanswered,
        Agent = new AgentInfo { Id = "202", Name = "Bruno Bianchi", Email = "bruno.bianchi@contoso.com" },
        StartTime = new DateTimeOffset(2025, 7, 1, 14, 0, 0, TimeSpan.Zero),
        EndTime = new DateTimeOffset(2025, 7, 1, 14, 0, 31, TimeSpan.Zero),
        TotalSeconds = 31,
    };

    public static CallEvent Abandoned { get; } = new()
    {
        Id = "call-ab-0003",
        Kind = CallEventKind.Abandon,
        Direction = CallDirection.Inbound,
        CallerNumber = "06 12345678",
        Queue = "sales",
        Status = CallStatus.Abandoned,
        StartTime = new DateTimeOffset(2025, 12, 24, 17, 59, 10, TimeSpan.Zero),
        EndTime = new DateTimeOffset(2025, 12, 24, 18, 0, 55, TimeSpan.Zero),
        TotalSeconds = 105,
    };

    public static CallEvent Unicode { get; } = new()
    {
        Id = "call-uni-0004",
        Kind = CallEventKind.CallEnd,
        Direction = CallDirection.Inbound,
        CallerNumber = "+81 3-1234-5678",
        CallerName = "José \"Pepe\" Ñúñez 山田 😀",
        CalledNumber = "+39 02 9999 0000",
        Queue = "international",
        Status = CallStatus.Answered,
        Agent = new AgentInfo { Name = "Carla Verdi", Email = "carla.verdi@contoso.com", Extension = "203" },
        StartTime = new DateTimeOffset(2025, 10, 26, 0, 30, 0, TimeSpan.Zero),
        AnswerTime = new DateTimeOffset(2025, 10, 26, 0, 30, 5, TimeSpan.Zero),
        EndTime = new DateTimeOffset(2025, 10, 26, 1, 32, 9, TimeSpan.Zero),
        TalkSeconds = 3724,
        TotalSeconds = 3729,
        Disposition = "callback \\ follow-up",
        Variables = new Dictionary<string, string> { ["note"] = "line 1\nline 2 \"quoted\" <tag>" },
    };

    public static CallEvent Minimal { get; } = new()
    {
        Id = "call-min-0005",
        Kind = CallEventKind.CallStart,
        Direction = CallDirection.Inbound,
        Status = CallStatus.Unanswered,
        StartTime = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };
}
