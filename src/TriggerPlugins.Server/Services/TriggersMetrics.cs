using System.Diagnostics.Metrics;
using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Server.Services;

/// <summary>
/// The server's metrics (System.Diagnostics.Metrics, meter <see cref="MeterName"/>), exported by OpenTelemetry at
/// /metrics in the Prometheus text format. Queue depth and the oldest pending age come from
/// <see cref="QueueSampler"/>, refreshed every few seconds.
/// </summary>
public sealed class TriggersMetrics : IDisposable
{
    /// <summary>The meter's name (add it to an OpenTelemetry meter provider).</summary>
    public const string MeterName = "TriggerPlugins";

    private readonly Meter _meter = new(MeterName, "1.0.0");
    private readonly Counter<long> _received;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _invalid;
    private readonly Counter<long> _outcomes;
    private readonly Histogram<double> _latency;
    private volatile QueueStats _queue = new(new Dictionary<DeliveryStatus, long>(), null);
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the instruments.</summary>
    public TriggersMetrics(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _received = _meter.CreateCounter<long>("triggers.events.received", "{event}", "Call events received by the intake (valid or not).");
        _accepted = _meter.CreateCounter<long>("triggers.events.accepted", "{event}", "Call events accepted: their deliveries are on disk (or no trigger matched).");
        _invalid = _meter.CreateCounter<long>("triggers.events.invalid", "{event}", "Call events refused as invalid.");
        _outcomes = _meter.CreateCounter<long>("triggers.deliveries.attempts", "{attempt}", "Delivery attempts by outcome (succeeded, retry, dead-lettered), account and failure code.");
        _latency = _meter.CreateHistogram<double>(
            "triggers.delivery.latency",
            "s",
            "From accepted to settled (succeeded or dead-lettered).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600] });
        _meter.CreateObservableGauge("triggers.queue.depth", ObserveDepth, "{delivery}", "Deliveries in the store per status.");
        _meter.CreateObservableGauge("triggers.queue.oldest_pending_age", ObserveOldest, "s", "Age of the oldest pending delivery (0 when none).");
    }

    /// <summary>Counts a request's events.</summary>
    public void Events(int received, int accepted, int invalid)
    {
        _received.Add(received);
        _accepted.Add(accepted);
        _invalid.Add(invalid);
    }

    /// <summary>Counts one attempt's outcome and, when settled, its latency.</summary>
    public void Attempted(DeliveryRecord delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var outcome = delivery.Status switch
        {
            DeliveryStatus.Succeeded => "succeeded",
            DeliveryStatus.DeadLettered => "dead-lettered",
            _ => "retry",
        };
        _outcomes.Add(1, new("outcome", outcome), new("account", delivery.Action.Account), new("code", FailureCode(delivery)));
        if (delivery.Status is DeliveryStatus.Succeeded or DeliveryStatus.DeadLettered)
        {
            _latency.Record((_timeProvider.GetUtcNow() - delivery.CreatedAt).TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>Updates the queue figures (the sampler calls it).</summary>
    public void Queue(QueueStats stats) => _queue = stats;

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    // A dead letter's failure code as the plugin gave it (auth.invalid-secret: what `code=` filters on); otherwise the
    // last parenthesised word of the error ("... (0x80040220)", "(HTTP 429)"), or "none".
    internal static string FailureCode(DeliveryRecord delivery)
    {
        if (delivery.FailureCode is { Length: > 0 } code)
        {
            return code;
        }

        if (delivery.Status == DeliveryStatus.Succeeded || delivery.LastError is not { Length: > 0 } error || !error.EndsWith(')'))
        {
            return "none";
        }

        var open = error.LastIndexOf('(');
        var parsed = open < 0 ? "" : error[(open + 1)..^1];
        return parsed.Length is > 0 and <= 40 && !parsed.Contains(' ', StringComparison.Ordinal) ? parsed : "other";
    }

    private IEnumerable<Measurement<long>> ObserveDepth()
    {
        var counts = _queue.CountByStatus;
        foreach (var status in Enum.GetValues<DeliveryStatus>())
        {
            yield return new Measurement<long>(counts.GetValueOrDefault(status), new KeyValuePair<string, object?>("status", StatusName(status)));
        }
    }

    private double ObserveOldest() =>
        _queue.OldestPendingCreatedAt is { } oldest ? Math.Max(0, (_timeProvider.GetUtcNow() - oldest).TotalSeconds) : 0;

    internal static string StatusName(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.InFlight => "in-flight",
        DeliveryStatus.Succeeded => "succeeded",
        _ => "dead-lettered",
    };
}
