using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TriggerPlugins.Abstractions;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Dynamics365.Tests.Support;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>
/// A real emulator on 127.0.0.1 and the real plugin, loaded by the host's catalog from the test's
/// plugins/dynamics365 folder. Each test gets a fresh emulator, so its store and request log start empty; the plugin
/// is the test class's <see cref="LoadedPlugin"/> (its caches are per environment URL, and each emulator's URL is new
/// to it), or a plugin of the test's own when the test sets the plugin's clock.
/// </summary>
internal sealed class EmulatorHarness : IAsyncDisposable
{
    private readonly bool _ownsCatalog;

    private EmulatorHarness(DataverseEmulator.DataverseEmulator emulator, PluginCatalog catalog, IIntegrationAction action, bool ownsCatalog)
    {
        Emulator = emulator;
        Catalog = catalog;
        Action = action;
        _ownsCatalog = ownsCatalog;
    }

    public DataverseEmulator.DataverseEmulator Emulator { get; }

    public PluginCatalog Catalog { get; }

    public IIntegrationAction Action { get; }

    /// <summary>A new emulator for the class's plugin: one whose environment URL the plugin has never seen.</summary>
    /// <param name="plugin">The test class's plugin (<c>IClassFixture&lt;LoadedPlugin&gt;</c>).</param>
    /// <param name="options">The emulator's options (faults, seed); the demo tenant by default.</param>
    public static async Task<EmulatorHarness> StartAsync(LoadedPlugin plugin, EmulatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return new EmulatorHarness(await plugin.StartEmulatorAsync(options ?? new EmulatorOptions()), plugin.Catalog, plugin.Action, ownsCatalog: false);
    }

    /// <summary>A new emulator and a plugin of this test's own, on <paramref name="time"/> (its caches expire by it).</summary>
    /// <param name="time">The plugin's clock.</param>
    /// <param name="options">The emulator's options (faults, seed); the demo tenant by default.</param>
    /// <param name="sharedRateLimits">The request budgets the host offers the plugin; none by default (an older host).</param>
    public static async Task<EmulatorHarness> StartAsync(TimeProvider time, EmulatorOptions? options = null, ISharedRateLimits? sharedRateLimits = null)
    {
        var emulator = await DataverseEmulator.DataverseEmulator.StartAsync(options ?? new EmulatorOptions());
        var catalog = LoadedPlugin.Load(time, sharedRateLimits);
        return new EmulatorHarness(emulator, catalog, LoadedPlugin.ActionOf(catalog), ownsCatalog: true);
    }

    /// <summary>The demo app registration's account, pointed at the emulator (Web API and Azure AD).</summary>
    public JsonObject Account(Action<JsonObject>? change = null) => TestSettings.Account(a =>
    {
        a["weburl"] = Emulator.BaseUri.ToString();
        a["authorityHost"] = Emulator.BaseUri.ToString();
        a["trustedCertificateThumbprint"] = Emulator.CertificateThumbprint;
        change?.Invoke(a);
    });

    public ActionRequest Request(CallEvent call, string deliveryId, JsonObject? account = null, JsonObject? configuration = null)
        => TestSettings.Request(call, TestSettings.Settings(account ?? Account(), configuration), deliveryId);

    public Task<ActionOutcome> ExecuteAsync(CallEvent call, string deliveryId, JsonObject? account = null, JsonObject? configuration = null)
        => Action.ExecuteAsync(Request(call, deliveryId, account, configuration), CancellationToken.None);

    /// <summary>The requests the emulator saw, as "METHOD /path".</summary>
    public IReadOnlyList<string> Requests() => [.. Emulator.Requests.Snapshot().Select(r => $"{r.Method} {r.Path}")];

    public async ValueTask DisposeAsync()
    {
        if (_ownsCatalog)
        {
            await Catalog.DisposeAsync();
        }

        await Emulator.DisposeAsync();
    }
}
