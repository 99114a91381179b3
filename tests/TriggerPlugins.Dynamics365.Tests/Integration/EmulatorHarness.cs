using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TriggerPlugins.Abstractions;
using TriggerPlugins.DataverseEmulator;
using TriggerPlugins.Dynamics365.Tests.Support;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>
/// A real emulator on 127.0.0.1 and the real plugin, loaded by the host's catalog from the test's
/// plugins/dynamics365 folder: each test gets fresh ones, so caches and request logs start empty.
/// </summary>
internal sealed class EmulatorHarness : IAsyncDisposable
{
    private EmulatorHarness(DataverseEmulator.DataverseEmulator emulator, PluginCatalog catalog, IIntegrationAction action)
    {
        Emulator = emulator;
        Catalog = catalog;
        Action = action;
    }

    public DataverseEmulator.DataverseEmulator Emulator { get; }

    public PluginCatalog Catalog { get; }

    public IIntegrationAction Action { get; }

    /// <param name="options">The emulator's options (faults, seed); the demo tenant by default.</param>
    /// <param name="time">The plugin's clock (its caches expire by it); the system clock by default.</param>
    /// <param name="sharedRateLimits">The request budgets the host offers the plugin; none by default (an older host).</param>
    public static async Task<EmulatorHarness> StartAsync(EmulatorOptions? options = null, TimeProvider? time = null, ISharedRateLimits? sharedRateLimits = null)
    {
        var emulator = await DataverseEmulator.DataverseEmulator.StartAsync(options ?? new EmulatorOptions());
        var catalog = PluginCatalog.Load(Path.Combine(AppContext.BaseDirectory, "plugins"), NullLoggerFactory.Instance, time, sharedRateLimits);
        Assert.True(catalog.TryGetAction("dynamics365", out var action), string.Join("; ", catalog.Failures));
        return new EmulatorHarness(emulator, catalog, action);
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
        await Catalog.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
