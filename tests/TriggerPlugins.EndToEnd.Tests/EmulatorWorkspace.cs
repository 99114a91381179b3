using System.Diagnostics;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.EndToEnd.Tests;

/// <summary>
/// What every end-to-end test class starts from: its own emulator (a fresh tenant per test) and its own work folder
/// for config copies and data folders, removed afterwards.
/// </summary>
public abstract class EmulatorWorkspace(string prefix) : IAsyncLifetime
{
    /// <summary>The emulator and the environment variables that point the sample accounts at it.</summary>
    protected EmulatorFixture Fixture { get; } = new();

    /// <summary>This test's folder.</summary>
    protected string Work { get; } = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");

    /// <summary>The emulator.</summary>
    protected DataverseEmulator.DataverseEmulator Emulator => Fixture.Emulator;

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(Work);
        await Fixture.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Fixture.DisposeAsync();
        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    /// <summary>Asserts that each of the <paramref name="calls"/> calls named <paramref name="prefix"/>-N has exactly one ticket.</summary>
    protected void AssertExactlyOneTicketPerCall(string prefix, int calls)
    {
        var tickets = TicketsByCall(prefix);
        Assert.Equal(calls, tickets.Count);
        var duplicated = tickets.Where(t => t.Value > 1).Select(t => t.Key).ToList();
        Assert.True(duplicated.Count == 0, $"calls with more than one ticket: {string.Join(", ", duplicated)}");
    }

    /// <summary>Tickets in the emulator per call id (the default description ends its facts with "Call id: ...").</summary>
    protected Dictionary<string, int> TicketsByCall(string prefix) =>
        Emulator.Store.Records("incidents")
            .Select(TicketCallId.Of)
            .Where(id => id is not null && id.StartsWith(prefix + "-", StringComparison.Ordinal))
            .GroupBy(id => id!)
            .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Polls <paramref name="condition"/> (a real process's progress: there is no signal to wait on).</summary>
    protected static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    /// <summary>Polls <paramref name="condition"/> (a real process's progress: there is no signal to wait on).</summary>
    protected static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(50);
        }
    }
}
