using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// The durable delivery queue. <see cref="SqliteDeliveryStore"/> is the default; a server database or a broker can
/// replace it. Times are passed in, so the store never reads a clock. State changes are conditional on the current
/// status, so two workers can never both claim or settle one delivery.
/// </summary>
public interface IDeliveryStore
{
    /// <summary>
    /// Adds a pending delivery, due at <paramref name="now"/>; a known id adds nothing and returns the stored one, with
    /// <see cref="EnqueueResult.Conflict"/> set when the stored event's content hash differs from this one's.
    /// </summary>
    Task<EnqueueResult> EnqueueAsync(NewDelivery delivery, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The delivery with this id, if any.</summary>
    Task<DeliveryRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Deliveries, oldest first, optionally of one status only.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken);

    /// <summary>Deliveries matching <paramref name="filter"/>, oldest first.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListMatchingAsync(DeliveryFilter filter, int limit, CancellationToken cancellationToken);

    /// <summary>Moves a pending delivery that is due to in-flight and counts the attempt; <see langword="null"/> when it is not pending or not due.</summary>
    Task<DeliveryRecord?> TryClaimAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records the success of an in-flight delivery.</summary>
    Task<bool> MarkSucceededAsync(string id, ActionSucceeded outcome, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Puts an in-flight delivery back to pending, due at <paramref name="nextAttemptAt"/>, with the error that delayed it.</summary>
    Task<bool> RescheduleAsync(string id, DateTimeOffset nextAttemptAt, string? error, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Moves an in-flight delivery to the dead-letter list with the reason and its failure code (see <see cref="DeliveryRecord.FailureCode"/>).</summary>
    Task<bool> DeadLetterAsync(string id, string reason, string? code, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Returns every in-flight delivery to pending, due now: run on start, after a crash. Returns how many.</summary>
    Task<int> RecoverInFlightAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Moves a dead-lettered delivery back to pending, due now, with a new retry window.</summary>
    Task<bool> RetryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Moves every dead-lettered delivery matching <paramref name="filter"/> back to pending, due now, with a new retry
    /// window (a status other than dead-lettered in the filter matches nothing). Returns how many moved.
    /// </summary>
    Task<int> RetryManyAsync(DeliveryFilter filter, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Removes a dead-lettered or pending delivery; never one in flight or succeeded.</summary>
    Task<bool> DiscardAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Retention: drops the call's personal data (the event, the notes, the last error) from every delivery that succeeded
    /// before <paramref name="before"/>, keeping what idempotency needs (id, event id, content hash, outcome, ticket reference).
    /// Dead letters are kept whole until they are handled. Returns how many deliveries were purged.
    /// </summary>
    Task<int> PurgeSettledAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
