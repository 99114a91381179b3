using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Cli.Common;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Host.Intake;

namespace TriggerPlugins.Cli.Run;

/// <summary>
/// `triggers run` on the intake and workers of `triggers serve`: a reader accepts events as fast as they come (grouped
/// into one commit when they queue up), the workers deliver meanwhile, and each delivery's result line is printed
/// when it settles. Only this process uses the data folder (the caller holds its lock).
/// </summary>
internal sealed class RunLoop(HostSession session, DeliveryOptions options, int parallel, ResultWriter output)
{
    // The most events accepted in one commit.
    private const int MaxBatch = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int? Line, bool Resumed)> _awaited = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeliveryRecord> _settledEarly = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allSettled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _inputEnded;

    public async Task RunAsync(IAsyncEnumerable<ParsedCallEvent> events, bool wait, CancellationToken cancellationToken)
    {
        var store = session.Store!;
        var time = TimeProvider.System;
        if (!session.StoreIsShared)
        {
            await store.RecoverInFlightAsync(time.GetUtcNow(), cancellationToken);
        }

        foreach (var pending in await store.ListAsync(DeliveryStatus.Pending, int.MaxValue, cancellationToken))
        {
            _awaited[pending.Id] = (null, true);
        }

        var running = new RunningConfiguration(session.Configuration, session.Plugins.Plugins.Select(p => p.Manifest));
        await using var intake = new EventIntake(store, running, time, session.LoggerFactory.CreateLogger<EventIntake>());
        var workers = new DeliveryWorkers(store, session.Processor!, new WorkerOptions { MaxInFlight = parallel }, options, time, session.LoggerFactory.CreateLogger<DeliveryWorkers>());
        workers.Attempted += Settled;
        intake.Committed += workers.Wake;
        using var stopWorkers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workerTask = wait ? Task.Run(() => workers.RunAsync(stopWorkers.Token), CancellationToken.None) : Task.CompletedTask;
        try
        {
            await AcceptAllAsync(events, intake, wait, cancellationToken);
            lock (_gate)
            {
                _inputEnded = true;
                if (_awaited.Count == 0 || !wait)
                {
                    _allSettled.TrySetResult();
                }
            }

            await _allSettled.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            // Nothing is lost either way: unfinished attempts get the grace period, then go back to pending.
            await stopWorkers.CancelAsync();
            await workerTask;
        }
    }

    private async Task AcceptAllAsync(IAsyncEnumerable<ParsedCallEvent> events, EventIntake intake, bool wait, CancellationToken cancellationToken)
    {
        var lines = Channel.CreateBounded<ParsedCallEvent>(new BoundedChannelOptions(MaxBatch * 4) { SingleReader = true, SingleWriter = true });
        var progress = new RunCommand.Progress(output);
        var readTask = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var parsed in events)
                    {
                        await lines.Writer.WriteAsync(parsed, cancellationToken);
                    }
                }
                finally
                {
                    lines.Writer.TryComplete();
                }
            },
            cancellationToken);

        var batch = new List<ParsedCallEvent>(MaxBatch);
        while (await lines.Reader.WaitToReadAsync(cancellationToken))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && lines.Reader.TryRead(out var parsed))
            {
                if (parsed.Succeeded)
                {
                    batch.Add(parsed);
                }
                else
                {
                    output.Write(ResultLine.Invalid(parsed.LineNumber, parsed.Error));
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            var accepted = await intake.AcceptAsync([.. batch.Select(p => p.Event!)], cancellationToken);
            for (var i = 0; i < accepted.Count; i++)
            {
                Track(batch[i].LineNumber, accepted[i], wait);
            }

            progress.Report();
        }

        await readTask;
    }

    private void Track(int line, AcceptedEvent accepted, bool wait)
    {
        if (accepted.NoMatch)
        {
            output.Write(ResultLine.NoMatch(line, accepted.Event.Id));
            return;
        }

        foreach (var enqueued in accepted.Deliveries)
        {
            var (record, created) = (enqueued.Record, enqueued.Created);
            if (enqueued.Conflict)
            {
                output.Write(ResultLine.From(new DeliveryResult(record, AlreadyKnown: true, Conflict: true), line));
                continue;
            }

            if (!created && record.Status is DeliveryStatus.Succeeded or DeliveryStatus.DeadLettered)
            {
                output.Write(ResultLine.From(new DeliveryResult(record, AlreadyKnown: true), line));
                continue;
            }

            if (!wait)
            {
                output.Write(ResultLine.Queued(record, line));
                continue;
            }

            DeliveryRecord? early;
            lock (_gate)
            {
                if (!_settledEarly.Remove(record.Id, out early))
                {
                    _awaited[record.Id] = (line, !created);
                }
            }

            if (early is not null)
            {
                output.Write(ResultLine.From(new DeliveryResult(early, AlreadyKnown: false), line));
            }
        }
    }

    private void Settled(DeliveryRecord record)
    {
        if (record.Status is not (DeliveryStatus.Succeeded or DeliveryStatus.DeadLettered))
        {
            return;
        }

        (int? Line, bool Resumed) awaited;
        lock (_gate)
        {
            if (!_awaited.Remove(record.Id, out awaited))
            {
                // Settled before the reader recorded it (a fast delivery): the reader prints it.
                _settledEarly[record.Id] = record;
                return;
            }

            if (_inputEnded && _awaited.Count == 0)
            {
                _allSettled.TrySetResult();
            }
        }

        output.Write(ResultLine.From(new DeliveryResult(record, AlreadyKnown: false), awaited.Line, awaited.Resumed && awaited.Line is null));
    }
}
