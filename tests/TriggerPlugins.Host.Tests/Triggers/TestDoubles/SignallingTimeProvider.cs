using Microsoft.Extensions.Time.Testing;

namespace TriggerPlugins.Host.Tests.TestDoubles;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells the test each time the code under test starts a timer
/// (<c>Task.Delay</c> or a timeout on this clock): the test moves the clock once the code waits on it, instead of
/// guessing with a real-time pause.
/// </summary>
public sealed class SignallingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    /// <summary>How long (real time) <see cref="WaitForTimerAsync"/> waits: a bound so that a test fails instead of hanging, not a pause.</summary>
    public static readonly TimeSpan NoTimerBound = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _timersStarted = new(0);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timersStarted.Release();
        return timer;
    }

    /// <summary>True once a timer has started since the last call; false after <see cref="NoTimerBound"/> without one.</summary>
    public Task<bool> WaitForTimerAsync() => _timersStarted.WaitAsync(NoTimerBound);
}
