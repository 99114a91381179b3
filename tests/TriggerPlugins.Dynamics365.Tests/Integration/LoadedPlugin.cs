using Microsoft.Extensions.Logging.Abstractions;
using TriggerPlugins.Abstractions;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>
/// The real plugin, loaded once per test class (<c>IClassFixture&lt;LoadedPlugin&gt;</c>) by the host's catalog from
/// the test's plugins/dynamics365 folder, as the host loads it: loading it for each test cost most of a test's time.
/// The plugin keeps its caches (token, contacts, users, service-protection pacing) per environment URL, so the
/// tests of a class stay apart by using a new emulator each whose URL this plugin has never seen
/// (<see cref="StartEmulatorAsync"/>).
/// </summary>
public sealed class LoadedPlugin : IAsyncLifetime
{
    // An emulator listens on port 0; the system may give a port again once its emulator has stopped.
    private const int MaxStarts = 20;

    private readonly HashSet<string> _environments = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public LoadedPlugin()
    {
        Catalog = Load(time: null);
        Action = ActionOf(Catalog);
    }

    public PluginCatalog Catalog { get; }

    public IIntegrationAction Action { get; }

    /// <summary>Loads plugins/ from the test output folder, as the host does, on <paramref name="time"/> (the system clock when null).</summary>
    internal static PluginCatalog Load(TimeProvider? time, ISharedRateLimits? sharedRateLimits = null)
        => PluginCatalog.Load(Path.Combine(AppContext.BaseDirectory, "plugins"), NullLoggerFactory.Instance, time, sharedRateLimits);

    internal static IIntegrationAction ActionOf(PluginCatalog catalog)
    {
        Assert.True(catalog.TryGetAction("dynamics365", out var action), string.Join("; ", catalog.Failures));
        return action;
    }

    /// <summary>Starts an emulator whose environment URL this plugin has not seen, so none of its caches apply.</summary>
    internal async Task<DataverseEmulator.DataverseEmulator> StartEmulatorAsync(EmulatorOptions options)
    {
        for (var i = 0; i < MaxStarts; i++)
        {
            var emulator = await DataverseEmulator.DataverseEmulator.StartAsync(options);
            lock (_gate)
            {
                if (_environments.Add(emulator.BaseUri.ToString()))
                {
                    return emulator;
                }
            }

            await emulator.DisposeAsync();
        }

        throw new InvalidOperationException($"{MaxStarts} emulators in a row got an environment URL this plugin had seen; too few free ports?");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Catalog.DisposeAsync();
}
