using System.Collections.Concurrent;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Tests.TestDoubles;

/// <summary>
/// An action whose outcomes are scripted by the test. It records every request, every settings object it validated,
/// and the most attempts it ever had running at once.
/// </summary>
public sealed class ScriptedAction(string id = "dynamics365") : IIntegrationAction
{
    private int _inFlight;
    private int _maxInFlight;
    private int _tickets;

    public string Id { get; } = id;

    /// <summary>Decides the outcome of each call; the default creates a ticket.</summary>
    public Func<ActionRequest, CancellationToken, Task<ActionOutcome>>? Behaviour { get; set; }

    public Func<ActionSettings, ValidationReport> Validation { get; set; } = _ => ValidationReport.Valid;

    public ConcurrentQueue<ActionRequest> Requests { get; } = new();

    public ConcurrentQueue<ActionSettings> Validated { get; } = new();

    public int InFlight => Volatile.Read(ref _inFlight);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Raised as each attempt starts, once it counts in <see cref="InFlight"/>: a signal for tests to wait on.</summary>
    public event Action? Started;

    public ScriptedAction WithOutcomes(params ActionOutcome[] outcomes)
    {
        var script = new ConcurrentQueue<ActionOutcome>(outcomes);
        Behaviour = (_, _) => Task.FromResult(script.TryDequeue(out var next) ? next : CreateTicket());
        return this;
    }

    public ValidationReport Validate(ActionSettings settings)
    {
        Validated.Enqueue(settings);
        return Validation(settings);
    }

    public async Task<ActionOutcome> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        Started?.Invoke();
        try
        {
            return Behaviour is { } behaviour ? await behaviour(request, cancellationToken) : CreateTicket();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public ActionSucceeded CreateTicket()
    {
        var number = Interlocked.Increment(ref _tickets);
        return ActionOutcome.Success(Guid.NewGuid().ToString(), $"CAS-{number:D5}", new Uri($"https://crm.example/tickets/{number}"));
    }
}
