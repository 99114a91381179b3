namespace TriggerPlugins.DataverseEmulator.Faults;

/// <summary>
/// Dataverse's per-user service protection limits, as documented in "Service protection API limits"
/// (https://learn.microsoft.com/power-apps/developer/data-platform/api-limits): the number of requests in a sliding
/// window (6,000 per 5 minutes) and the number of concurrent requests (52), counted per user. Stricter than the
/// service, never looser: once the number of requests is exceeded, every request of that user is refused with 429
/// until <c>Retry-After</c> has passed, and each request sent into that open window extends it (the documentation:
/// "if the client continues to send requests, the Retry-After duration may increase"). Refused requests do not use
/// the budget.
/// </summary>
internal sealed class ServiceProtectionBudget(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CallerState> _byCaller = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Requests that arrived while their user's window was open: after the 429 that opened it had been answered, before
    /// its Retry-After passed. (Requests already on their way when the 429 was answered are not counted: the client
    /// could not know.)
    /// </summary>
    public int RequestsIntoOpenWindow { get; private set; }

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Uses one request of <paramref name="caller"/>'s budget, or says how long to wait.</summary>
    /// <param name="caller">The user (client id or user name).</param>
    /// <param name="limit">Requests allowed in the window.</param>
    /// <param name="window">The sliding window.</param>
    /// <param name="arrivedAt">When the request arrived (before any injected latency).</param>
    /// <param name="retryAfter">How long the caller must wait, when refused.</param>
    public bool TryConsume(string caller, int limit, TimeSpan window, DateTimeOffset arrivedAt, out TimeSpan retryAfter)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            var state = State(caller);
            if (now < state.BlockedUntil)
            {
                // Hammering an open window extends it by a 300th of the window (1 s at the documented 5 minutes).
                if (state.AnsweredAt is { } answered && arrivedAt > answered)
                {
                    RequestsIntoOpenWindow++;
                }

                state.BlockedUntil += window / 300;
                retryAfter = state.BlockedUntil - now;
                return false;
            }

            while (state.Recent.Count > 0 && state.Recent.Peek() <= now - window)
            {
                state.Recent.Dequeue();
            }

            if (state.Recent.Count >= limit)
            {
                state.BlockedUntil = state.Recent.Peek() + window;
                state.AnsweredAt = null;
                retryAfter = state.BlockedUntil - now;
                return false;
            }

            state.Recent.Enqueue(now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>The 429 that opened <paramref name="caller"/>'s window has been answered: later arrivals are counted.</summary>
    public void Answered(string caller)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            State(caller).AnsweredAt ??= now;
        }
    }

    /// <summary>Counts a request of <paramref name="caller"/> in flight; false (not counted) past <paramref name="limit"/>.</summary>
    public bool TryEnter(string caller, int limit)
    {
        lock (_gate)
        {
            var state = State(caller);
            if (state.InFlight >= limit)
            {
                return false;
            }

            state.InFlight++;
            return true;
        }
    }

    public void Leave(string caller)
    {
        lock (_gate)
        {
            State(caller).InFlight--;
        }
    }

    private CallerState State(string caller)
    {
        if (!_byCaller.TryGetValue(caller, out var state))
        {
            state = new CallerState();
            _byCaller[caller] = state;
        }

        return state;
    }

    private sealed class CallerState
    {
        public Queue<DateTimeOffset> Recent { get; } = new();

        public DateTimeOffset BlockedUntil { get; set; } = DateTimeOffset.MinValue;

        public int InFlight { get; set; }

        public DateTimeOffset? AnsweredAt { get; set; }
    }
}
