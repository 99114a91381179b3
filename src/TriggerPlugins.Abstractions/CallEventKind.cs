using System.Text.Json.Serialization;

namespace TriggerPlugins.Abstractions;

/// <summary>What a call event reports.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CallEventKind>))]
public enum CallEventKind
{
    /// <summary>The call started (<c>call-start</c>).</summary>
    [JsonStringEnumMemberName("call-start")] CallStart,

    /// <summary>An agent answered (<c>agent-connect</c>).</summary>
    [JsonStringEnumMemberName("agent-connect")] AgentConnect,

    /// <summary>The call ended (<c>call-end</c>).</summary>
    [JsonStringEnumMemberName("call-end")] CallEnd,

    /// <summary>The caller hung up before an agent answered (<c>abandon</c>).</summary>
    [JsonStringEnumMemberName("abandon")] Abandon,
}
