using System.Text.Json.Serialization;

namespace TriggerPlugins.Abstractions;

/// <summary>
/// One event of a call, as the contact center reports it. The JSON names are the camel-case
/// property names; enum values are written in kebab case (<c>call-end</c>, <c>no-answer</c>).
/// </summary>
public sealed record CallEvent
{
    /// <summary>The event's unique id; the same id twice is the same event.</summary>
    public required string Id { get; init; }

    /// <summary>
    /// The call's id across all its events (Motion's / Asterisk's unique id), distinct from the event id; null when
    /// the contact center does not send it, and then <see cref="Id"/> stands in (see <see cref="CallKey"/>).
    /// Added in contract 1.1.
    /// </summary>
    public string? CallId { get; init; }

    /// <summary>The outbound route (or trunk) the call used, if known. Added in contract 1.1.</summary>
    public string? Route { get; init; }

    /// <summary>What happened (the call ended, an agent connected, ...).</summary>
    public required CallEventKind Kind { get; init; }

    /// <summary>Whether the customer called in or was called.</summary>
    public required CallDirection Direction { get; init; }

    /// <summary>The calling number as received (any format), if known.</summary>
    public string? CallerNumber { get; init; }

    /// <summary>The caller id name, if known.</summary>
    public string? CallerName { get; init; }

    /// <summary>The called number as received (any format), if known.</summary>
    public string? CalledNumber { get; init; }

    /// <summary>The queue the call went through, if any.</summary>
    public string? Queue { get; init; }

    /// <summary>How the call went.</summary>
    public required CallStatus Status { get; init; }

    /// <summary>The agent who handled the call, if any.</summary>
    public AgentInfo? Agent { get; init; }

    /// <summary>When the call started.</summary>
    public required DateTimeOffset StartTime { get; init; }

    /// <summary>When the call was answered, if it was.</summary>
    public DateTimeOffset? AnswerTime { get; init; }

    /// <summary>When the call ended, if it has.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Seconds the caller spent on hold.</summary>
    public int HoldSeconds { get; init; }

    /// <summary>Seconds of conversation with the agent.</summary>
    public int TalkSeconds { get; init; }

    /// <summary>Seconds from start to end.</summary>
    public int TotalSeconds { get; init; }

    /// <summary>A reference to the recording (file name or URL), if the call was recorded.</summary>
    public string? RecordingReference { get; init; }

    /// <summary>The disposition the agent chose, if any.</summary>
    public string? Disposition { get; init; }

    /// <summary>The call's key: <see cref="CallId"/> when given, else the event's <see cref="Id"/>. Added in contract 1.1.</summary>
    [JsonIgnore]
    public string CallKey => string.IsNullOrWhiteSpace(CallId) ? Id : CallId;

    /// <summary>Free-form call variables (IVR choices, CRM keys, ...).</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();
}
