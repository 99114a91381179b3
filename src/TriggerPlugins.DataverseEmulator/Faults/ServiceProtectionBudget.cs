namespace TriggerPlugins.DataverseEmulator.Faults;

/// <summary>
/// Dataverse's "number of requests" service protection limit: at most N requests per caller in a sliding window.
/// Requests refused with 429 do not use the budget.
/// </summary>
internal sealed class ServiceProtectionBudget(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _byCaller = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Uses one request of <paramref name="caller"/>'s budget, or says how long to wait.</summary>
    public bool TryConsume(string caller, int limit, TimeSpan window, out TimeSpan retryAfter)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!_byCaller.TryGetValue(caller, out var recent))
            {
                recent = new Queue<DateTimeOffset>();
                _byCaller[caller] = recent;
            }

            while (recent.Count > 0 && recent.Peek() <= now - window)
            {
                recent.Dequeue();
            }

            if (recent.Count >= limit)
            {
                retryAfter = recent.Peek() + window - now;
                return false;
            }

            recent.Enqueue(now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }
}
