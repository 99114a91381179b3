using System.Text.Json.Nodes;

namespace TriggerPlugins.Dynamics365.Dataverse;

/// <summary>
/// Reads Web API answers: the records of a collection (<c>{"value":[...]}</c>) and a record's text and id columns.
/// A column of another JSON kind reads as absent, never as an exception.
/// </summary>
internal static class ODataJson
{
    /// <summary>The records of an OData collection answer; none when the answer is not one.</summary>
    public static IEnumerable<JsonObject> Records(JsonNode? body)
        => (body?["value"] as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>The ids in an OData collection answer, sorted so a choice among several is deterministic.</summary>
    public static List<Guid> Ids(JsonNode? body, string idAttribute)
        => [.. Records(body).Select(r => Id(r, idAttribute)).OfType<Guid>().Order()];

    /// <summary>A record's id (or lookup) column.</summary>
    public static Guid? Id(JsonNode? record, string attribute)
        => record?[attribute] is JsonValue value && value.TryGetValue<string>(out var text) && Guid.TryParse(text, out var id) ? id : null;

    /// <summary>A record's text column.</summary>
    public static string? Text(JsonNode? record, string attribute)
        => record?[attribute] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
