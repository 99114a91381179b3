using Microsoft.Extensions.Logging.Abstractions;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Host.Tests.Plugins;

/// <summary>The catalog as the trigger engine sees it: a registry of actions by plugin id, and their owner.</summary>
public sealed class PluginCatalogTests : IDisposable
{
    private readonly PluginsDirectory _plugins = new();

    public PluginCatalogTests()
    {
        _plugins.Add(PluginsDirectory.FixturePlugin("version-probe"), "version-probe");
    }

    public void Dispose() => _plugins.Dispose();

    [Fact]
    public async Task Finds_actions_by_id_ignoring_case_and_nothing_for_an_unknown_id()
    {
        await using var catalog = PluginCatalog.Load(_plugins.Folder, NullLoggerFactory.Instance);
        Assert.True(catalog.TryGetAction("Version-Probe", out var action));
        Assert.Same(catalog.Plugins[0].Action, action);
        Assert.False(catalog.TryGetAction("dynamics365", out var missing));
        Assert.Null(missing);
    }

    [Fact]
    public async Task Disposing_the_catalog_disposes_the_actions()
    {
        var catalog = PluginCatalog.Load(_plugins.Folder, NullLoggerFactory.Instance);
        var action = catalog.Plugins[0].Action;
        Assert.IsType<ActionSucceeded>(await action.ExecuteAsync(TestRequests.Request(), CancellationToken.None));

        await catalog.DisposeAsync();

        // The probe answers with a permanent failure once disposed: the host disposed it through IAsyncDisposable.
        var outcome = Assert.IsType<ActionFailedPermanent>(await action.ExecuteAsync(TestRequests.Request(), CancellationToken.None));
        Assert.Equal("the version probe was disposed", outcome.Reason);
        Assert.Throws<ObjectDisposedException>(() => catalog.TryGetAction("version-probe", out _));
    }

    [Fact]
    public async Task Files_beside_plugin_folders_are_ignored()
    {
        File.WriteAllText(Path.Combine(_plugins.Folder, "README.txt"), "not a plugin");

        await using var catalog = PluginCatalog.Load(_plugins.Folder, NullLoggerFactory.Instance);

        Assert.Single(catalog.Plugins);
        Assert.Empty(catalog.Failures);
    }
}
