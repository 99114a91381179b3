using System.Text.Json.Serialization;

namespace TriggerPlugins.Abstractions;

/// <summary>Which way a call went.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CallDirection>))]
public enum CallDirection
{
    /// <summary>The customer called the contact center (<c>inbound</c>).</summary>
    [JsonStringEnumMemberName("inbound")] Inbound,

    /// <summary>The contact center called the customer (<c>outbound</c>).</summary>
    [JsonStringEnumMemberName("outbound")] Outbound,
}
