using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TriggerPlugins.Admin.Config;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Admin.Tests;

/// <summary>Saving into the config folder: the host's loader validates first, nothing invalid is written, the host is told.</summary>
public sealed class ConfigFolderTests : IAsyncLifetime, IAdminConsoleEvents
{
    private readonly string _root = Directory.CreateTempSubdirectory("config-folder-").FullName;
    private PluginCatalog _plugins = null!;
    private int _saved;

    public Task InitializeAsync()
    {
        foreach (var kind in new[] { "accounts", "configurations", "triggers" })
        {
            Directory.CreateDirectory(Path.Combine(_root, kind));
        }

        _plugins = PluginCatalog.Load(Path.Combine(AppContext.BaseDirectory, "plugins"), NullLoggerFactory.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _plugins.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    Task IAdminConsoleEvents.ConfigurationSavedAsync(CancellationToken cancellationToken)
    {
        _saved++;
        return Task.CompletedTask;
    }

    Task IAdminConsoleEvents.DeliveriesRetriedAsync(IReadOnlyList<string> deliveryIds, CancellationToken cancellationToken) => Task.CompletedTask;

    [Fact]
    public async Task A_valid_file_is_written_whole_with_no_temporary_file_left_and_the_host_is_told()
    {
        var folder = NewFolder();
        var result = await folder.SaveAsync("configurations", "support", new JsonObject { ["plugin"] = "dynamics365", ["title"] = "Call {{ call.id }}" }, default);

        Assert.True(result.Saved, string.Join("; ", result.Problems));
        Assert.Equal(1, _saved);
        var written = Assert.Single(Directory.GetFiles(Path.Combine(_root, "configurations")));
        Assert.Equal("support.json", Path.GetFileName(written));
        Assert.Equal("Call {{ call.id }}", JsonNode.Parse(await File.ReadAllTextAsync(written))!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_invalid_file_is_refused_with_the_loaders_problem_and_the_stored_file_is_left_as_it_was()
    {
        var folder = NewFolder();
        Assert.True((await folder.SaveAsync("configurations", "support", new JsonObject { ["plugin"] = "dynamics365" }, default)).Saved);
        var before = await File.ReadAllTextAsync(Path.Combine(_root, "configurations", "support.json"));

        var refused = await folder.SaveAsync("configurations", "support", new JsonObject { ["plugin"] = "nope" }, default);
        var unsafeName = await folder.SaveAsync("configurations", "../escape", new JsonObject { ["plugin"] = "dynamics365" }, default);

        Assert.False(refused.Saved);
        Assert.Contains(refused.Problems, p => p.ToString() == "configurations/support.json: plugin: no loaded plugin has the id 'nope'");
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(_root, "configurations", "support.json")));
        Assert.False(unsafeName.Saved);
        Assert.False(File.Exists(Path.Combine(_root, "escape.json")));
        Assert.Equal(1, _saved);
    }

    [Fact]
    public async Task A_file_another_one_needs_is_not_deleted_until_nothing_needs_it_and_the_last_trigger_may_go()
    {
        var folder = NewFolder();
        Assert.True((await folder.SaveAsync("configurations", "support", new JsonObject { ["plugin"] = "dynamics365" }, default)).Saved);
        // The console cannot save this trigger (account 'a' does not exist); a file written by hand can still need the configuration.
        Assert.False((await folder.SaveAsync("triggers", "calls", JsonNode.Parse("""
            { "on": ["call-end"], "match": "all", "conditions": [], "actions": [ { "plugin": "dynamics365", "account": "a", "configuration": "support" } ] }
            """)!.AsObject(), default)).Saved);
        await File.WriteAllTextAsync(Path.Combine(_root, "triggers", "calls.json"), """
            { "on": ["call-end"], "match": "all", "conditions": [], "actions": [ { "plugin": "dynamics365", "account": "a", "configuration": "support" } ] }
            """);

        var needed = await folder.DeleteAsync("configurations", "support", default);

        Assert.False(needed.Saved);
        Assert.Contains(needed.Problems, p => p.Source == "triggers/calls.json" && p.Message.Contains("unknown configuration 'support'", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(_root, "configurations", "support.json")));
        // The last trigger may go (no call runs an action then); the configuration it needed, after it.
        Assert.True((await folder.DeleteAsync("triggers", "calls", default)).Saved);
        Assert.False(File.Exists(Path.Combine(_root, "triggers", "calls.json")));
        Assert.True((await folder.DeleteAsync("configurations", "support", default)).Saved);
        Assert.False(File.Exists(Path.Combine(_root, "configurations", "support.json")));
    }

    private ConfigFolder NewFolder() =>
        new(Options.Create(new AdminConsoleOptions { ConfigDirectory = _root, DataDirectory = _root, Environment = _ => null }), _plugins, this);
}
