using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Events;

/// <summary>The JSON form of call events: camel-case names, kebab-case enum values (from the contract's attributes).</summary>
public static class CallEventJson
{
    /// <summary>The serializer options for <see cref="CallEvent"/>; read-only, shared.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Writes an event as one line of JSON.</summary>
    public static string Serialize(CallEvent callEvent) => JsonSerializer.Serialize(callEvent, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.MakeReadOnly();
        return options;
    }
}
