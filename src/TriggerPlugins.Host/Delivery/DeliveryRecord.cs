using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Delivery;

/// <summary>Where a delivery stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting for its (next) attempt, at <see cref="DeliveryRecord.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>An attempt is running (or was, when the host stopped: it returns to pending on start).</summary>
    InFlight,

    /// <summary>The action succeeded; the outcome is recorded.</summary>
    Succeeded,

    /// <summary>The action failed permanently, or kept failing past the deadline; the reason is recorded.</summary>
    DeadLettered,
}

/// <summary>A delivery to add to the queue: one planned action for one call event.</summary>
/// <param name="Id">The deterministic delivery id (<see cref="DeliveryIds"/>).</param>
/// <param name="EventId">The call event's id.</param>
/// <param name="EventJson">The call event, as JSON: the action runs on exactly what arrived, even after a restart.</param>
/// <param name="TriggerName">The trigger that matched.</param>
/// <param name="ActionIndex">The action's position in the trigger.</param>
/// <param name="Action">Plugin, account and configuration (names only: secrets are never stored in the queue).</param>
public sealed record NewDelivery(string Id, string EventId, string EventJson, string TriggerName, int ActionIndex, TriggerAction Action)
{
    /// <summary>The hash of the event's content (<see cref="EventHashes"/>): the same id with another hash is a conflict.</summary>
    public string EventHash { get; init; } = EventHashes.Of(EventJson);

    /// <summary>The delivery of <paramref name="planned"/> for <paramref name="callEvent"/>.</summary>
    public static NewDelivery For(PlannedAction planned, CallEvent callEvent)
    {
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(callEvent);
        return new NewDelivery(planned.DeliveryId, callEvent.Id, CallEventJson.Serialize(callEvent), planned.TriggerName, planned.ActionIndex, planned.Action)
        {
            CallKey = DeliveryIds.CallKey(callEvent),
            EventHash = EventHashes.Of(callEvent),
        };
    }

    /// <summary>The call this delivery belongs to (<see cref="DeliveryIds.CallKey"/>): one call's deliveries run one at a time, in order.</summary>
    public string CallKey { get; init; } = EventId;
}

/// <summary>A delivery as stored.</summary>
public sealed record DeliveryRecord
{
    /// <summary>The delivery id (primary key).</summary>
    public required string Id { get; init; }

    /// <summary>The call event's id.</summary>
    public required string EventId { get; init; }

    /// <summary>The call event, as JSON.</summary>
    public required string EventJson { get; init; }

    /// <summary>The trigger that matched.</summary>
    public required string TriggerName { get; init; }

    /// <summary>The action's position in the trigger.</summary>
    public required int ActionIndex { get; init; }

    /// <summary>Plugin, account and configuration.</summary>
    public required TriggerAction Action { get; init; }

    /// <summary>Where it stands.</summary>
    public required DeliveryStatus Status { get; init; }

    /// <summary>How many attempts have started.</summary>
    public int Attempts { get; init; }

    /// <summary>When it was enqueued.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the next attempt is due (pending only).</summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>Where the retry deadline counts from: the enqueue time, or the time of a manual retry.</summary>
    public DateTimeOffset RetryWindowStart { get; init; }

    /// <summary>The last failure (transient or permanent), if any.</summary>
    public string? LastError { get; init; }

    /// <summary>The record created in the remote system (succeeded only).</summary>
    public string? ExternalId { get; init; }

    /// <summary>Its human-readable number (a ticket number), if any.</summary>
    public string? Number { get; init; }

    /// <summary>Where a person can open it, if known.</summary>
    public Uri? Url { get; init; }

    /// <summary>What the plugin noted about the outcome.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The call it belongs to (<see cref="DeliveryIds.CallKey"/>).</summary>
    public string CallKey { get; init; } = "";

    /// <summary>Its place in the accept order: within one call, lower runs first.</summary>
    public long Sequence { get; init; }

    /// <summary>The worker holding it in flight, if any.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>When that worker's lease ends; after it, another worker may take the delivery.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>The hash of the event's content; <see langword="null"/> for deliveries stored before the hash was kept.</summary>
    public string? EventHash { get; init; }

    /// <summary>True when retention dropped the call's data (<see cref="EventJson"/> is empty): only the outcome is left.</summary>
    public bool Purged => EventJson.Length == 0;
}

/// <summary>The answer to an enqueue.</summary>
/// <param name="Record">The stored delivery: the new one, or the one already known under that id.</param>
/// <param name="Created">False when the id was already known (a re-submitted event): nothing was added.</param>
public sealed record EnqueueResult(DeliveryRecord Record, bool Created)
{
    /// <summary>
    /// True when the id was known with different event content: nothing was added, and the new event must be reported as
    /// a conflict (HTTP 409), never as already delivered.
    /// </summary>
    public bool Conflict { get; init; }
}
