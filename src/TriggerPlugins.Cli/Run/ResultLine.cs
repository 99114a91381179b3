using System.Text.Json;
using System.Text.Json.Serialization;
using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Cli.Run;

/// <summary>One line of `triggers run` output: what became of one action for one call event, or why a line was refused.</summary>
internal sealed record ResultLine
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public int? Line { get; init; }

    public string? Event { get; init; }

    public required string Status { get; init; }

    public string? Trigger { get; init; }

    public string? Plugin { get; init; }

    public string? Account { get; init; }

    public string? Delivery { get; init; }

    public int? Attempts { get; init; }

    public string? TicketId { get; init; }

    public string? TicketNumber { get; init; }

    public string? Url { get; init; }

    public IReadOnlyList<string>? Notes { get; init; }

    public string? Error { get; init; }

    public bool? Resumed { get; init; }

    [JsonIgnore]
    public bool IsFailure => Status is "dead-lettered" or "invalid" or "conflict";

    public static ResultLine From(DeliveryResult result, int? line, bool resumed = false)
    {
        var delivery = result.Delivery;
        return new ResultLine
        {
            Line = line,
            Event = delivery.EventId,
            Status = result.Conflict ? "conflict" : result.Succeeded ? (result.AlreadyKnown ? "already-delivered" : "succeeded") : delivery.Status == DeliveryStatus.DeadLettered ? "dead-lettered" : "pending",
            Trigger = delivery.TriggerName,
            Plugin = delivery.Action.Plugin,
            Account = delivery.Action.Account,
            Delivery = delivery.Id,
            Attempts = delivery.Attempts,
            TicketId = delivery.ExternalId,
            TicketNumber = delivery.Number,
            Url = delivery.Url?.ToString(),
            Notes = delivery.Notes.Count > 0 ? delivery.Notes : null,
            Error = result.Conflict
                ? $"the id '{delivery.EventId}' was already used by a call event with different content (delivery {delivery.Id}); this event was not run. Give every call event its own id"
                : result.Succeeded ? null : delivery.LastError,
            Resumed = resumed ? true : null,
        };
    }

    public static ResultLine Queued(DeliveryRecord delivery, int line) => new()
    {
        Line = line,
        Event = delivery.EventId,
        Status = "queued",
        Trigger = delivery.TriggerName,
        Plugin = delivery.Action.Plugin,
        Account = delivery.Action.Account,
        Delivery = delivery.Id,
    };

    public static ResultLine Invalid(int line, string error) => new() { Line = line, Status = "invalid", Error = error };

    public static ResultLine NoMatch(int line, string eventId) => new() { Line = line, Event = eventId, Status = "no-trigger-matched" };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public string ToText()
    {
        var where = Line is { } l ? $"line {l}: " : Resumed == true ? "resumed: " : string.Empty;
        return Status switch
        {
            "invalid" => $"invalid call event, {Error}",
            "no-trigger-matched" => $"{where}{Event}: no trigger matched",
            "queued" => $"{where}{Event}: {Trigger} -> {Plugin} queued as delivery {Delivery}",
            "conflict" => $"{where}{Event}: {Trigger} -> {Plugin} conflict: {Error}",
            "succeeded" or "already-delivered" =>
                $"{where}{Event}: {Trigger} -> {Plugin} {Status} {TicketNumber ?? TicketId} {Url}"
                + (Notes is { Count: > 0 } ? $" ({string.Join("; ", Notes)})" : string.Empty),
            _ => $"{where}{Event}: {Trigger} -> {Plugin} {Status} after {Attempts} attempt(s): {Error}",
        };
    }
}
