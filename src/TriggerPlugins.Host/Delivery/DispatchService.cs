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
    private readonly CallSequencer _calls = new();

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
    /// <remarks>
    /// Events of one call (same <see cref="CallEvent.CallKey"/>) are dispatched one at a time, in the order this method was
    /// called: a later event's deliveries never run while an earlier event's are still running.
    /// </remarks>
    public Task<IReadOnlyList<DeliveryResult>> DispatchAsync(CallEvent callEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        return _calls.RunAsync(callEvent.CallKey, () => DispatchInOrderAsync(callEvent, cancellationToken), cancellationToken);
    }

    private async Task<IReadOnlyList<DeliveryResult>> DispatchInOrderAsync(CallEvent callEvent, CancellationToken cancellationToken)
    {
        var planned = _engine.Match(callEvent);
        if (planned.Count == 0)
        {
            Log.NoMatch(_logger, callEvent.Id, callEvent.Kind);

            return [];
        }

        // Everything is written to the queue before anything runs, so a crash midway loses nothing.
        var enqueued = new List<EnqueueResult>(planned.Count);
        foreach (var action in planned)
        {
            enqueued.Add(await _store.EnqueueAsync(NewDelivery.For(action, callEvent), _timeProvider.GetUtcNow(), cancellationToken));
        }

        // One after the other, in the engine's order: two deliveries of one call never run at once.
        var results = new List<DeliveryResult>(enqueued.Count);
        foreach (var delivery in enqueued)
        {
            if (await CompleteAsync(delivery, cancellationToken) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
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
            Log.Recovered(_logger, recovered);
        }

        // Oldest first; one call's deliveries one after the other, calls in parallel.
        var pending = await _store.ListAsync(DeliveryStatus.Pending, int.MaxValue, cancellationToken);
        var results = await Task.WhenAll(pending.GroupBy(CallKeyOf, StringComparer.Ordinal).Select(call =>
            _calls.RunAsync(call.Key, async () =>
            {
                var settled = new List<DeliveryResult>();
                foreach (var delivery in call)
                {
                    if (await CompleteAsync(new EnqueueResult(delivery, Created: false), cancellationToken) is { } result)
                    {
                        settled.Add(result);
                    }
                }

                return settled;
            }, cancellationToken)));
        return [.. results.SelectMany(r => r)];
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
            Log.Retried(_logger, deliveryId);
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
            Log.Discarded(_logger, deliveryId);
        }

        return discarded;
    }

    private static string CallKeyOf(DeliveryRecord delivery)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<CallEvent>(delivery.EventJson, Events.CallEventJson.Options)?.CallKey ?? delivery.EventId;
        }
        catch (System.Text.Json.JsonException)
        {
            // The processor dead-letters an unreadable event; its own id keeps it apart meanwhile.
            return delivery.EventId;
        }
    }

    private async Task<DeliveryResult?> CompleteAsync(EnqueueResult enqueued, CancellationToken cancellationToken)
    {
        var known = enqueued.Record;
        if (enqueued.Conflict)
        {
            Log.Conflict(_logger, known.Id, known.TriggerName, known.EventId);

            return new DeliveryResult(known, AlreadyKnown: true, Conflict: true);
        }

        if (!enqueued.Created && known.Status is DeliveryStatus.Succeeded or DeliveryStatus.DeadLettered)
        {
            Log.AlreadyKnown(_logger, known.Id, known.TriggerName, known.EventId, known.Status);

            return new DeliveryResult(known, AlreadyKnown: true);
        }

        // It ran now (new, resumed or retried): what it made is this run's, not an earlier one's.
        var settled = await _processor.RunToCompletionAsync(known.Id, cancellationToken);
        return settled is null ? null : new DeliveryResult(settled, AlreadyKnown: false);
    }
}
