using System.Runtime.Loader;
using Microsoft.Extensions.Logging.Abstractions;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Tests.Support;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Dynamics365.Tests.Integration;

/// <summary>The host loads the plugin from its laid-out folder (plugins/dynamics365), as in production.</summary>
public sealed class PluginLoadingTests
{
    [Fact]
    public async Task The_host_loads_the_plugin_from_its_folder_with_its_manifest_and_templates()
    {
        await using var catalog = PluginCatalog.Load(Path.Combine(AppContext.BaseDirectory, "plugins"), NullLoggerFactory.Instance);

        Assert.Empty(catalog.Failures);
        var plugin = Assert.Single(catalog.Plugins, p => p.Id == "dynamics365");
        Assert.Equal("dynamics 365 integration", plugin.Manifest.DisplayName);
        Assert.Contains(plugin.Manifest.AccountFields, f => f.Name == "clientSecret" && f.Secret);
        Assert.Contains(plugin.Manifest.AccountFields, f => f.Name == "trustedCertificateThumbprint");
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "plugins", "dynamics365", "templates", "title.sbn")));

        Assert.True(catalog.TryGetAction("dynamics365", out var action));
        Assert.IsAssignableFrom<IActionPreview>(action);
        Assert.IsAssignableFrom<IConnectionCheck>(action);
        // Its own load context: not the copy this test project references.
        Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(action.GetType().Assembly));
        Assert.True(action.Validate(TestSettings.Settings()).IsValid);
    }
}
