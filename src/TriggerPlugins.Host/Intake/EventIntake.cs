using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Host.Intake;

/// <summary>An event the intake accepted, with the deliveries it planned (none: no trigger matched).</summary>
/// <param name="Event">The call event.</param>
/// <param name="Deliveries">Its deliveries as stored; <see cref="EnqueueResult.Created"/> is false for an event posted again.</param>
public sealed record AcceptedEvent(CallEvent Event, IReadOnlyList<EnqueueResult> Deliveries)
{
    /// <summary>True when no trigger matched: nothing was stored.</summary>
    public bool NoMatch => Deliveries.Count == 0;
}

/// <summary>
/// Accepting a call event: match the triggers, then write its deliveries durably, and only then answer. Never waits on
/// a plugin or a remote system. Concurrent calls are grouped into one store transaction (a group commit: one fsync for
/// many events), which is what lets one SQLite file take thousands of events a second. Call <see cref="DisposeAsync"/>
/// to stop the writer.
/// </summary>
public sealed class EventIntake : IAsyncDisposable
{
    // The most deliveries one commit groups; a bigger backlog is written in several commits.
    private const int MaxGroup = 4096;

    private readonly IDeliveryStore _store;
    private readonly RunningConfiguration _configuration;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    /// <summary>Creates the intake and starts its writer.</summary>
    public EventIntake(IDeliveryStore store, RunningConfiguration configuration, TimeProvider timeProvider, ILogger<EventIntake> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _configuration = configuration;
        _timeProvider = timeProvider;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Raised after each commit that added deliveries (the workers' wake-up).</summary>
    public event Action? Committed;

    /// <summary>
    /// Matches and stores <paramref name="events"/>; returns when all their deliveries are on disk, one result per
    /// event in order. An event posted again gets its existing deliveries (same ids: nothing is added).
    /// </summary>
    public async Task<IReadOnlyList<AcceptedEvent>> AcceptAsync(IReadOnlyList<CallEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var engine = _configuration.Engine;
        var planned = new List<NewDelivery>[events.Count];
        var all = new List<NewDelivery>();
        for (var i = 0; i < events.Count; i++)
        {
            planned[i] = [.. engine.Match(events[i]).Select(p => NewDelivery.For(p, events[i]))];
            all.AddRange(planned[i]);
        }

        IReadOnlyList<EnqueueResult> stored = [];
        if (all.Count > 0)
        {
            var write = new PendingWrite(all);
            await _writes.Writer.WriteAsync(write, cancellationToken);
            stored = await write.Done.Task.WaitAsync(cancellationToken);
        }

        var results = new AcceptedEvent[events.Count];
        var next = 0;
        for (var i = 0; i < events.Count; i++)
        {
            results[i] = new AcceptedEvent(events[i], [.. stored.Skip(next).Take(planned[i].Count)]);
            next += planned[i].Count;
            if (results[i].NoMatch)
            {
                Log.IntakeNoMatch(_logger, events[i].Id);
            }
        }

        return results;
    }

    /// <summary>Stops the writer after the writes already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<PendingWrite>();
        var deliveries = new List<NewDelivery>();
        while (await _writes.Reader.WaitToReadAsync())
        {
            group.Clear();
            deliveries.Clear();
            while (deliveries.Count < MaxGroup && _writes.Reader.TryRead(out var write))
            {
                group.Add(write);
                deliveries.AddRange(write.Deliveries);
            }

            try
            {
                var stored = await _store.EnqueueManyAsync(deliveries, _timeProvider.GetUtcNow(), CancellationToken.None);
                var next = 0;
                foreach (var write in group)
                {
                    write.Done.TrySetResult([.. stored.Skip(next).Take(write.Deliveries.Count)]);
                    next += write.Deliveries.Count;
                }

                Committed?.Invoke();
            }
            catch (Exception exception)
            {
                Log.IntakeWriteFailed(_logger, deliveries.Count, exception.GetType().Name, exception.Message);
                foreach (var write in group)
                {
                    write.Done.TrySetException(new IntakeUnavailableException($"the delivery store could not save the event ({exception.Message}); nothing was accepted, send it again", exception));
                }
            }
        }
    }

    private sealed class PendingWrite(IReadOnlyList<NewDelivery> deliveries)
    {
        public IReadOnlyList<NewDelivery> Deliveries { get; } = deliveries;

        public TaskCompletionSource<IReadOnlyList<EnqueueResult>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The store could not take the events: nothing of the request was accepted, and sending it again is safe.</summary>
public sealed class IntakeUnavailableException(string message, Exception innerException) : Exception(message, innerException);
