namespace TriggerPlugins.Host.RateLimits;

/// <summary>The rules every <see cref="Abstractions.ISharedRateLimits"/> of the host follows, in memory and in PostgreSQL alike.</summary>
public static class SharedRateLimitRules
{
    /// <summary>Keys longer than this are refused: a key names a user, it is not a document.</summary>
    public const int MaxKeyLength = 400;

    /// <summary>
    /// How long granted permits stay usable: at most a second, so a close by another host holds this one back within
    /// about a second, and at most a twentieth of the window, so a time-scaled window (the emulator's) is not spent on
    /// blocks that outlive it. A block counts in the window from the end of this time, the latest a permit can be sent.
    /// </summary>
    public static TimeSpan BlockLifetime(TimeSpan window) => TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, window.Ticks / 20));

    /// <summary>Throws for arguments no budget can honour: they are a plugin's bug, never a user's mistake.</summary>
    public static void Check(string key, int wanted, int limit, TimeSpan window)
    {
        CheckKey(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(wanted, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
    }

    /// <summary>Throws for an empty or over-long key.</summary>
    public static void CheckKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, MaxKeyLength, nameof(key));
    }
}
