using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Host.Tests.Plugins;

/// <summary>
/// Each broken plugin folder is built on disk next to a valid plugin: the broken one is refused with a
/// message that names the folder and the reason, and the valid one still loads.
/// </summary>
public sealed class PluginRefusalTests : IDisposable
{
    private const string ValidId = "version-probe";

    private readonly PluginsDirectory _plugins = new();

    public PluginRefusalTests()
    {
        _plugins.Add(PluginsDirectory.FixturePlugin(ValidId), ValidId);
    }

    public void Dispose() => _plugins.Dispose();

    [Fact]
    public async Task A_folder_without_a_manifest_is_refused()
    {
        var broken = AddBrokenCopy();
        File.Delete(Path.Combine(broken, "plugin.json"));

        var failure = await LoadExpectingOneFailure(broken);

        Assert.Contains("plugin.json is missing", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_manifest_is_refused_with_its_line_and_column()
    {
        var broken = AddBrokenCopy();
        File.WriteAllText(Path.Combine(broken, "plugin.json"), "{\n  \"id\": \"broken\",\n  \"version\" \"1.0.0\"\n}\n");

        var failure = await LoadExpectingOneFailure(broken);

        Assert.StartsWith("plugin.json(3,13): malformed JSON:", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_missing_required_properties_is_refused_naming_each_of_them()
    {
        var broken = AddBrokenCopy();
        PluginsDirectory.EditManifest(broken, manifest =>
        {
            manifest.Remove("id");
            manifest.Remove("entryAssembly");
        });

        var failure = await LoadExpectingOneFailure(broken);

        Assert.Contains("plugin.json: id: is required but missing", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("plugin.json: entryAssembly: is required but missing", failure.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("entryAssembly", "Missing.Plugin.dll",
        "the entry assembly 'Missing.Plugin.dll' named by plugin.json is not in the folder")]
    [InlineData("entryAssembly", "Newtonsoft.Json.dll", // in the probe's folder: a real assembly, but no plugin
        "no public class in 'Newtonsoft.Json.dll' implements IIntegrationAction: it does not even reference TriggerPlugins.Abstractions")]
    [InlineData("contractVersion", "2.0.0",
        "plugin.json: contractVersion: the plugin was built for contract 2.0.0 but this host implements contract 1.2.0: this host loads plugins built for contract 1.x only")]
    [InlineData("id", "renamed-probe",
        "TriggerPlugins.Fixtures.VersionProbePlugin.VersionProbeAction.Id is 'version-probe' but plugin.json says the id is 'renamed-probe'; they must be equal")]
    public async Task A_manifest_that_does_not_fit_its_folder_is_refused(string property, string value, string reason)
    {
        var broken = AddBrokenCopy();
        PluginsDirectory.EditManifest(broken, manifest => manifest[property] = value);

        var failure = await LoadExpectingOneFailure(broken);

        Assert.Equal(reason, failure.Reason);
    }

    [Fact]
    public async Task An_action_refused_for_its_id_is_disposed_through_IAsyncDisposable()
    {
        // The probe implements IAsyncDisposable only: a host that disposed IDisposable alone would leave it undisposed.
        var broken = AddBrokenCopy();
        PluginsDirectory.EditManifest(broken, manifest => manifest["id"] = "renamed-probe");
        File.WriteAllText(Path.Combine(broken, "record-disposal"), string.Empty);

        await LoadExpectingOneFailure(broken);

        Assert.True(File.Exists(Path.Combine(broken, "disposed")), "the refused action was not disposed");
    }

    [Fact]
    public async Task An_entry_assembly_that_is_not_a_dotnet_assembly_is_refused()
    {
        var broken = AddBrokenCopy();
        File.WriteAllText(Path.Combine(broken, "TriggerPlugins.Fixtures.VersionProbePlugin.dll"), "not a portable executable");

        var failure = await LoadExpectingOneFailure(broken);

        Assert.Equal("'TriggerPlugins.Fixtures.VersionProbePlugin.dll' is not a .NET assembly", failure.Reason);
    }

    [Fact]
    public async Task Two_folders_with_the_same_id_are_both_refused_naming_each_other()
    {
        // The probe copy collides with the probe; the real dynamics365 plugin is the one that still loads.
        _plugins.Add(PluginsDirectory.BuiltPlugin("dynamics365"), "dynamics365");
        var copy = _plugins.Add(PluginsDirectory.FixturePlugin(ValidId), "probe-copy");

        await using var catalog = PluginCatalog.Load(_plugins.Folder, NullLoggerFactory.Instance);

        Assert.Equal(["dynamics365"], catalog.Plugins.Select(p => p.Id));
        Assert.Equal([copy, Path.Combine(_plugins.Folder, ValidId)], catalog.Failures.Select(f => f.Folder));
        Assert.Equal(
            "plugins/probe-copy: the id 'version-probe' is also declared by plugins/version-probe; ids must be unique, so none of these folders is loaded",
            catalog.Failures[0].ToString());
        Assert.Contains("also declared by plugins/probe-copy", catalog.Failures[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_whose_constructor_throws_is_refused_with_the_message_only()
    {
        var broken = _plugins.Add(PluginsDirectory.FixturePlugin("broken-constructor"), "broken-constructor");

        var failure = await LoadExpectingOneFailure(broken);

        Assert.Equal(
            "the constructor of TriggerPlugins.Fixtures.BrokenConstructorPlugin.BrokenConstructorAction failed: InvalidOperationException: the fixture's license file is missing",
            failure.Reason);
    }

    [Fact]
    public async Task Each_refusal_is_logged_as_a_warning_naming_the_folder()
    {
        var broken = AddBrokenCopy();
        File.Delete(Path.Combine(broken, "plugin.json"));
        var logs = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Trace));

        await using var catalog = PluginCatalog.Load(_plugins.Folder, factory);

        var warning = Assert.Single(logs.GetSnapshot(), e => e.Level == LogLevel.Warning);
        Assert.Contains(broken, warning.Message, StringComparison.Ordinal);
        Assert.Contains("plugin.json is missing", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_plugins_directory_loads_nothing_and_says_so()
    {
        var missing = Path.Combine(_plugins.Folder, "does-not-exist");

        await using var catalog = PluginCatalog.Load(missing, NullLoggerFactory.Instance);

        Assert.Empty(catalog.Plugins);
        var failure = Assert.Single(catalog.Failures);
        Assert.Equal("plugins/does-not-exist: the plugins folder does not exist, so no plugin is loaded", failure.ToString());
    }

    // A copy of the valid probe under its own folder and id (so it does not collide with the probe), for a test to break.
    private string AddBrokenCopy()
    {
        var folder = _plugins.Add(PluginsDirectory.FixturePlugin(ValidId), "broken");
        PluginsDirectory.EditManifest(folder, manifest => manifest["id"] = "broken-probe");
        return folder;
    }

    private async Task<PluginLoadFailure> LoadExpectingOneFailure(string brokenFolder)
    {
        await using var catalog = PluginCatalog.Load(_plugins.Folder, NullLoggerFactory.Instance);

        Assert.Equal([ValidId], catalog.Plugins.Select(p => p.Id));
        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(brokenFolder, failure.Folder);
        Assert.StartsWith($"plugins/{Path.GetFileName(brokenFolder)}: ", failure.ToString(), StringComparison.Ordinal);
        return failure;
    }
}
