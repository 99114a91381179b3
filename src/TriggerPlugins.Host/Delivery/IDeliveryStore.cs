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

    /// <summary>
    /// Adds several deliveries in one transaction (one durable commit): each new one pending and due at
    /// <paramref name="now"/>, in list order (their accept order, see <see cref="DeliveryRecord.Sequence"/>); a known id adds
    /// nothing and returns the stored one. When this returns, every delivery is on disk.
    /// </summary>
    Task<IReadOnlyList<EnqueueResult>> EnqueueManyAsync(IReadOnlyList<NewDelivery> deliveries, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <see cref="DeliveryClaim.Limit"/> due deliveries for <see cref="DeliveryClaim.Owner"/>: pending and due, or
    /// in flight with an expired lease (their worker died). Each comes back in flight, its attempt counted, leased until
    /// <c>Now + LeaseDuration</c>. Rules every implementation keeps:
    /// <list type="bullet">
    /// <item>per call (<see cref="DeliveryRecord.CallKey"/>), a delivery is never taken while an earlier one (lower
    /// <see cref="DeliveryRecord.Sequence"/>) is pending or in flight: one at a time, in accept order;</item>
    /// <item>fair across accounts: the oldest due delivery of every account comes before the second of any account;</item>
    /// <item>an account gets at most <see cref="DeliveryClaim.PerAccountCapacity"/> minus its count in
    /// <see cref="DeliveryClaim.BusyByAccount"/>;</item>
    /// <item>two concurrent claims never take the same delivery (SQLite: one writer; PostgreSQL: FOR UPDATE SKIP LOCKED).</item>
    /// </list>
    /// </summary>
    Task<IReadOnlyList<DeliveryRecord>> ClaimDueAsync(DeliveryClaim claim, CancellationToken cancellationToken);

    /// <summary>Returns every delivery <paramref name="owner"/> holds in flight to pending, due now (a graceful stop). Returns how many.</summary>
    Task<int> ReleaseLeasesAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>When the earliest pending delivery is due, or <see langword="null"/> when none is pending.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);

    /// <summary>Deliveries per status and the creation time of the oldest pending one (for metrics).</summary>
    Task<QueueStats> GetStatsAsync(CancellationToken cancellationToken);

    /// <summary>True when the store can take a write now (readiness); false when it cannot, without throwing.</summary>
    Task<bool> IsWritableAsync(CancellationToken cancellationToken);

    /// <summary>The delivery with this id, if any.</summary>
    Task<DeliveryRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Deliveries, oldest first, optionally of one status only.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken);

    /// <summary>Deliveries matching <paramref name="filter"/>, oldest first.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListMatchingAsync(DeliveryFilter filter, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The <paramref name="limit"/> deliveries matching <paramref name="filter"/> that changed last, most recent first
    /// (the admin console's list). The store keeps only that many while it reads, whatever the size of the queue.
    /// </summary>
    Task<IReadOnlyList<DeliveryRecord>> ListRecentAsync(DeliveryFilter filter, int limit, CancellationToken cancellationToken);

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

/// <summary>What a worker asks of <see cref="IDeliveryStore.ClaimDueAsync"/>.</summary>
/// <param name="Owner">The worker's lease owner id (unique per process run).</param>
/// <param name="Now">The current time: due means <c>next attempt &lt;= Now</c>.</param>
/// <param name="LeaseDuration">How long the lease holds; past it, another worker may take the delivery.</param>
/// <param name="Limit">The most deliveries to take.</param>
/// <param name="PerAccountCapacity">The most deliveries one account may have in flight for this owner.</param>
/// <param name="BusyByAccount">How many this owner already has in flight, per account.</param>
public sealed record DeliveryClaim(string Owner, DateTimeOffset Now, TimeSpan LeaseDuration, int Limit, int PerAccountCapacity, IReadOnlyDictionary<string, int> BusyByAccount);

/// <summary>The queue's depth per status and its oldest pending delivery.</summary>
/// <param name="CountByStatus">Deliveries per status (a status with none may be missing).</param>
/// <param name="OldestPendingCreatedAt">When the oldest pending delivery was accepted, if any is pending.</param>
public sealed record QueueStats(IReadOnlyDictionary<DeliveryStatus, long> CountByStatus, DateTimeOffset? OldestPendingCreatedAt);
