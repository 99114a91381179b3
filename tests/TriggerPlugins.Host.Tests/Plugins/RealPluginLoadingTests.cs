using System.Runtime.Loader;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Host.Tests.Plugins;

/// <summary>The host loads the real dynamics365 plugin from the folder the build laid out, and calls it.</summary>
public sealed class RealPluginLoadingTests
{
    private static readonly string BuiltPluginsDirectory = Path.Combine(AppContext.BaseDirectory, "plugins");

    [Fact]
    public async Task Loads_the_laid_out_dynamics365_plugin_with_its_manifest()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero));
        await using var catalog = PluginCatalog.Load(BuiltPluginsDirectory, NullLoggerFactory.Instance, clock);

        Assert.Empty(catalog.Failures);
        var plugin = Assert.Single(catalog.Plugins, p => p.Id == "dynamics365");
        Assert.Equal("dynamics 365 integration", plugin.Manifest.DisplayName);
        Assert.Equal(new Version(1, 2, 0), plugin.Manifest.ContractVersion);
        Assert.Equal("TriggerPlugins.Dynamics365.dll", plugin.Manifest.EntryAssembly);
        Assert.Equal(Path.Combine(BuiltPluginsDirectory, "dynamics365"), plugin.Directory);
        Assert.Equal(clock.GetUtcNow(), plugin.LoadedAt);
        var clientSecret = Assert.Single(plugin.Manifest.AccountFields, f => f.Name == "clientSecret");
        Assert.True(clientSecret.Secret);
        var authMode = Assert.Single(plugin.Manifest.AccountFields, f => f.Name == "authMode");
        Assert.Equal(PluginFieldType.Choice, authMode.Type);
        Assert.Contains("usernamePassword", authMode.Choices);
    }

    [Fact]
    public async Task The_plugin_runs_in_its_own_load_context_but_shares_the_contract()
    {
        await using var catalog = PluginCatalog.Load(BuiltPluginsDirectory, NullLoggerFactory.Instance);

        Assert.True(catalog.TryGetAction("dynamics365", out var action));
        var pluginContext = AssemblyLoadContext.GetLoadContext(action.GetType().Assembly);
        Assert.NotNull(pluginContext);
        Assert.NotSame(AssemblyLoadContext.Default, pluginContext);

        // Shared assemblies resolve to the host's copies: the plugin's context never loads its own.
        var ownAssemblies = pluginContext.Assemblies.Select(a => a.GetName().Name).ToList();
        Assert.Contains("TriggerPlugins.Dynamics365", ownAssemblies);
        Assert.DoesNotContain("TriggerPlugins.Abstractions", ownAssemblies);
        Assert.DoesNotContain("Microsoft.Extensions.Logging.Abstractions", ownAssemblies);
    }

    [Fact]
    public async Task The_loaded_action_can_be_validated_and_executed_through_the_contract()
    {
        await using var catalog = PluginCatalog.Load(BuiltPluginsDirectory, NullLoggerFactory.Instance);
        Assert.True(catalog.TryGetAction("DYNAMICS365", out var action));

        Assert.Equal("dynamics365", action.Id);
        var report = action.Validate(TestRequests.EmptySettings());
        Assert.NotNull(report);

        // Empty settings: whatever the plugin answers, an expected failure is an outcome, never an exception.
        var outcome = await action.ExecuteAsync(TestRequests.Request(), CancellationToken.None);
        Assert.IsAssignableFrom<ActionOutcome>(outcome);
    }
}
