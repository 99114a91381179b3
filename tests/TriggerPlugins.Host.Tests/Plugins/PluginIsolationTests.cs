using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Host.Tests.Plugins;

/// <summary>
/// The host references Newtonsoft.Json 13.0.3; the version-probe fixture ships 13.0.1. Both carry assembly
/// version 13.0.0.0, so only the plugin's own load context keeps the plugin on its own copy.
/// </summary>
public sealed class PluginIsolationTests : IDisposable
{
    private readonly PluginsDirectory _plugins = new();

    public void Dispose() => _plugins.Dispose();

    [Fact]
    public async Task A_plugin_runs_with_its_own_version_of_a_library_the_host_also_loads()
    {
        // Load the host's copy first, as a host that already uses the library would have.
        var hostVersion = FileVersion(typeof(JsonConvert).Assembly);
        Assert.StartsWith("13.0.3.", hostVersion, StringComparison.Ordinal);
        var folder = _plugins.Add(PluginsDirectory.FixturePlugin("version-probe"), "version-probe");

        await using var catalog = PluginCatalog.Load(_plugins.Folder, NullLoggerFactory.Instance);
        Assert.True(catalog.TryGetAction("version-probe", out var probe));
        var outcome = await probe.ExecuteAsync(TestRequests.Request(), CancellationToken.None);

        var success = Assert.IsType<ActionSucceeded>(outcome);
        Assert.StartsWith("Newtonsoft.Json 13.0.1.", success.Notes[0], StringComparison.Ordinal);
        Assert.Equal("{\"callId\":\"call-1\"}", success.Notes[1]);
        var pluginCopy = Assert.Single(AssemblyLoadContext.GetLoadContext(probe.GetType().Assembly)!.Assemblies, a => a.GetName().Name == "Newtonsoft.Json");
        Assert.Equal(Path.Combine(folder, "Newtonsoft.Json.dll"), pluginCopy.Location);
        Assert.Equal(hostVersion, FileVersion(typeof(JsonConvert).Assembly));
    }

    private static string FileVersion(Assembly assembly) => assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()!.Version;
}
