using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// The host's front door for call events: match the triggers, write each planned action to the durable queue,
/// then run them to completion. Also resumes what a crash left and administers the dead-letter list.
/// Call <see cref="ResumePendingAsync"/> once on start, before dispatching.
/// </summary>
public sealed class DispatchService
{
    private readonly TriggerEngine _engine;
    private readonly IDeliveryStore _store;
    private readonly DeliveryProcessor _processor;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    public DispatchService(TriggerEngine engine, IDeliveryStore store, DeliveryProcessor processor, TimeProvider timeProvider, ILogger<DispatchService> logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(processor);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _engine = engine;
        _store = store;
        _processor = processor;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Runs every action of every trigger matching <paramref name="callEvent"/>, each once, following retries until it
    /// succeeds or is dead-lettered. A re-submitted event reports the deliveries it already had, without running them again.
    /// </summary>
    /// <returns>One result per planned action, in the engine's order; empty when no trigger matches.</returns>
    public async Task<IReadOnlyList<DeliveryResult>> DispatchAsync(CallEvent callEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        var planned = _engine.Match(callEvent);
        if (planned.Count == 0)
        {
            DeliveryLog.NoMatch(_logger, callEvent.Id, callEvent.Kind);

            return [];
        }

        // Everything is written to the queue before anything runs, so a crash midway loses nothing.
        var enqueued = new List<EnqueueResult>(planned.Count);
        foreach (var action in planned)
        {
            enqueued.Add(await _store.EnqueueAsync(NewDelivery.For(action, callEvent), _timeProvider.GetUtcNow(), cancellationToken));
        }

        var results = await Task.WhenAll(enqueued.Select(e => CompleteAsync(e, cancellationToken)));
        return [.. results.OfType<DeliveryResult>()];
    }

    /// <summary>
    /// Returns deliveries a crash left in flight to pending, then runs every pending delivery to completion.
    /// Only one host may process a store: run this at its start.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryResult>> ResumePendingAsync(CancellationToken cancellationToken)
    {
        var recovered = await _store.RecoverInFlightAsync(_timeProvider.GetUtcNow(), cancellationToken);
        if (recovered > 0)
        {
            DeliveryLog.Recovered(_logger, recovered);
        }

        var pending = await _store.ListAsync(DeliveryStatus.Pending, int.MaxValue, cancellationToken);
        var results = await Task.WhenAll(pending.Select(p => CompleteAsync(new EnqueueResult(p, Created: false), cancellationToken)));
        return [.. results.OfType<DeliveryResult>()];
    }

    /// <summary>Deliveries, oldest first, optionally of one status (for <c>triggers deliveries list</c>).</summary>
    public Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken) =>
        _store.ListAsync(status, limit, cancellationToken);

    /// <summary>Moves a dead-lettered delivery back to pending with a fresh deadline; <see cref="ResumePendingAsync"/> runs it.</summary>
    /// <returns>False when no dead-lettered delivery has this id.</returns>
    public async Task<bool> RetryAsync(string deliveryId, CancellationToken cancellationToken)
    {
        var retried = await _store.RetryAsync(deliveryId, _timeProvider.GetUtcNow(), cancellationToken);
        if (retried)
        {
            DeliveryLog.Retried(_logger, deliveryId);
        }

        return retried;
    }

    /// <summary>Removes a dead-lettered (or pending) delivery for good.</summary>
    /// <returns>False when no such delivery has this id.</returns>
    public async Task<bool> DiscardAsync(string deliveryId, CancellationToken cancellationToken)
    {
        var discarded = await _store.DiscardAsync(deliveryId, cancellationToken);
        if (discarded)
        {
            DeliveryLog.Discarded(_logger, deliveryId);
        }

        return discarded;
    }

    private async Task<DeliveryResult?> CompleteAsync(EnqueueResult enqueued, CancellationToken cancellationToken)
    {
        var known = enqueued.Record;
        if (enqueued.Conflict)
        {
            DeliveryLog.Conflict(_logger, known.Id, known.TriggerName, known.EventId);

            return new DeliveryResult(known, AlreadyKnown: true, Conflict: true);
        }

        if (!enqueued.Created && known.Status is DeliveryStatus.Succeeded or DeliveryStatus.DeadLettered)
        {
            DeliveryLog.AlreadyKnown(_logger, known.Id, known.TriggerName, known.EventId, known.Status);

            return new DeliveryResult(known, AlreadyKnown: true);
        }

        var settled = await _processor.RunToCompletionAsync(known.Id, cancellationToken);
        return settled is null ? null : new DeliveryResult(settled, AlreadyKnown: !enqueued.Created);
    }
}
