using System.Globalization;
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

    public string? Code { get; init; }

    /// <summary>When the delivery settled: the earlier run's time for already-existed and failed-earlier.</summary>
    public DateTimeOffset? At { get; init; }

    public bool? Resumed { get; init; }

    [JsonIgnore]
    public bool IsFailure => Status is Statuses.Failed or Statuses.FailedEarlier or Statuses.Invalid or Statuses.Conflict;

    public static ResultLine From(DeliveryResult result, int? line, bool resumed = false)
    {
        var delivery = result.Delivery;
        return new ResultLine
        {
            Line = line,
            Event = delivery.EventId,
            Status = result.Conflict ? Statuses.Conflict : (delivery.Status, result.AlreadyKnown) switch
            {
                (DeliveryStatus.Succeeded, false) => Statuses.Created,
                (DeliveryStatus.Succeeded, true) => Statuses.AlreadyExisted,
                (DeliveryStatus.DeadLettered, false) => Statuses.Failed,
                (DeliveryStatus.DeadLettered, true) => Statuses.FailedEarlier,
                _ => Statuses.Pending,
            },
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
            Code = result.Succeeded || result.Conflict ? null : delivery.FailureCode,
            At = result.AlreadyKnown && !result.Conflict ? delivery.UpdatedAt : null,
            Resumed = resumed ? true : null,
        };
    }

    public static ResultLine Invalid(int line, string error) => new() { Line = line, Status = Statuses.Invalid, Error = error };

    public static ResultLine NoMatch(int line, string eventId) => new() { Line = line, Event = eventId, Status = Statuses.NoMatch };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>One line that says what happened, once: created, already existed, failed permanently (and how to retry), or why it did not run.</summary>
    public string ToText()
    {
        var where = Line is { } l ? $"line {l}: " : Resumed == true ? "resumed: " : string.Empty;
        var action = $"{where}{Event}: {Trigger} -> {Plugin}";
        var ticket = $"{TicketNumber ?? TicketId} {Url}".TrimEnd();
        var code = Code is null ? string.Empty : $" [{Code}]";
        var retry = $"once fixed, retry it with `triggers deliveries retry {Delivery}`"
            + (Code is null ? "." : $" (or every failure like it with `triggers deliveries retry --code {Code}`).");
        return Status switch
        {
            Statuses.Invalid => $"invalid call event, {Error}",
            Statuses.NoMatch => $"{where}{Event}: no trigger matched",
            Statuses.Conflict => $"{action} conflict: {Error}",
            Statuses.Created => $"{action} created {ticket}{NotesText()}",
            Statuses.AlreadyExisted => $"{action} already existed: {ticket}, created {Time(At)} by an earlier run for the same call; not created again{NotesText()}",
            Statuses.Failed => $"{action} failed permanently after {Attempts} attempt(s): {Sentence(Error)}{code}; {retry}",
            Statuses.FailedEarlier => $"{action} failed permanently in an earlier run ({Time(At)}, {Attempts} attempt(s)): {Sentence(Error)}{code}; not tried again: {retry}",
            _ => $"{action} still pending after {Attempts} attempt(s): {Error}",
        };
    }

    private static string Time(DateTimeOffset? at) => at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "earlier";

    // Plugin messages are sentences; the line goes on after them.
    private static string Sentence(string? text) => (text ?? "no reason recorded").TrimEnd().TrimEnd('.');

    // Notes are whole sentences: joined with a space, not "; ".
    private string NotesText() => Notes is { Count: > 0 } notes ? $" ({string.Join(' ', notes.Select(n => n.Trim()))})" : string.Empty;

    /// <summary>The values of <see cref="Status"/> (in the JSON lines too).</summary>
    internal static class Statuses
    {
        public const string Created = "created";
        public const string AlreadyExisted = "already-existed";
        public const string Failed = "failed";
        public const string FailedEarlier = "failed-earlier";
        public const string Pending = "pending";
        public const string Invalid = "invalid";
        public const string NoMatch = "no-trigger-matched";
        public const string Conflict = "conflict";
    }
}
