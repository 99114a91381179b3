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
}
