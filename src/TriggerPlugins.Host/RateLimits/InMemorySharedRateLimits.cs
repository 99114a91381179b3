using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.RateLimits;

/// <summary>
/// The budgets of a host that shares its queue with no other (SQLite: one process per data folder): every plugin
/// instance of the process shares them, so two accounts signing in as the same user, or a plugin reloaded with the
/// config, still pace that user as one. Same rules as the PostgreSQL budgets (<see cref="SharedRateLimitRules"/>).
/// </summary>
public sealed class InMemorySharedRateLimits(TimeProvider time) : ISharedRateLimits
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Budget> _budgets = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<RatePermits> TakeAsync(string key, int wanted, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        SharedRateLimitRules.Check(key, wanted, limit, window);
        var now = time.GetUtcNow();
        var lifetime = SharedRateLimitRules.BlockLifetime(window);
        lock (_gate)
        {
            var budget = Get(key);
            if (budget.ClosedUntil > now)
            {
                var closedFor = budget.ClosedUntil - now;
                return ValueTask.FromResult(new RatePermits(0, lifetime, closedFor, closedFor));
            }

            while (budget.Blocks.TryPeek(out var oldest) && oldest.CountsUntil <= now)
            {
                budget.Blocks.Dequeue();
                budget.Used -= oldest.Size;
            }

            var granted = Math.Min(wanted, limit - budget.Used);
            if (granted <= 0)
            {
                // Full: the oldest block leaves the window first (blocks are queued in the order they end).
                return ValueTask.FromResult(new RatePermits(0, lifetime, budget.Blocks.Peek().CountsUntil - now, null));
            }

            budget.Blocks.Enqueue(new Block(now + lifetime + window, granted));
            budget.Used += granted;
            return ValueTask.FromResult(new RatePermits(granted, lifetime, TimeSpan.Zero, null));
        }
    }

    /// <inheritdoc/>
    public ValueTask CloseAsync(string key, TimeSpan duration, CancellationToken cancellationToken)
    {
        SharedRateLimitRules.CheckKey(key);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var until = time.GetUtcNow() + duration;
        lock (_gate)
        {
            var budget = Get(key);
            if (until > budget.ClosedUntil)
            {
                budget.ClosedUntil = until;
            }
        }

        return ValueTask.CompletedTask;
    }

    private Budget Get(string key)
    {
        if (!_budgets.TryGetValue(key, out var budget))
        {
            budget = new Budget();
            _budgets[key] = budget;
        }

        return budget;
    }

    private readonly record struct Block(DateTimeOffset CountsUntil, int Size);

    private sealed class Budget
    {
        public Queue<Block> Blocks { get; } = new();

        public int Used { get; set; }

        public DateTimeOffset ClosedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
