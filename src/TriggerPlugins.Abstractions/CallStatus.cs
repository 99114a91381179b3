using System.Text.Json.Serialization;

namespace TriggerPlugins.Abstractions;

/// <summary>How a call went.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CallStatus>))]
public enum CallStatus
{
    /// <summary>An agent (or the called party) answered (<c>answered</c>).</summary>
    [JsonStringEnumMemberName("answered")] Answered,

    /// <summary>Nobody answered (<c>unanswered</c>).</summary>
    [JsonStringEnumMemberName("unanswered")] Unanswered,

    /// <summary>The caller hung up while waiting (<c>abandoned</c>).</summary>
    [JsonStringEnumMemberName("abandoned")] Abandoned,

    /// <summary>The called party was busy (<c>busy</c>).</summary>
    [JsonStringEnumMemberName("busy")] Busy,

    /// <summary>The call could not be placed (<c>failed</c>).</summary>
    [JsonStringEnumMemberName("failed")] Failed,
}
