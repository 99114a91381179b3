using System.Text.Json;
using System.Text.Json.Serialization;
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
            // Only the documented names: "status": 0 or "kind": 2 would otherwise be read as the enum's ordinal.
            // These take precedence over the contract's own [JsonConverter] attributes (which accept integers).
            Converters =
            {
                new JsonStringEnumConverter<CallEventKind>(namingPolicy: null, allowIntegerValues: false),
                new JsonStringEnumConverter<CallDirection>(namingPolicy: null, allowIntegerValues: false),
                new JsonStringEnumConverter<CallStatus>(namingPolicy: null, allowIntegerValues: false),
            },
        };
        options.MakeReadOnly();
        return options;
    }
}
