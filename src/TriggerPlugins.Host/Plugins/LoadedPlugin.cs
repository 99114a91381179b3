using McMaster.NETCore.Plugins;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Plugins;

/// <summary>A plugin the host loaded: its manifest, its folder and its action.</summary>
public sealed class LoadedPlugin
{
    internal LoadedPlugin(PluginManifest manifest, string directory, IIntegrationAction action, DateTimeOffset loadedAt, PluginLoader loader)
    {
        Manifest = manifest;
        Directory = directory;
        Action = action;
        LoadedAt = loadedAt;
        Loader = loader;
    }

    /// <summary>The plugin's manifest.</summary>
    public PluginManifest Manifest { get; }

    /// <summary>The plugin's id (the manifest's <c>id</c>).</summary>
    public string Id => Manifest.Id;

    /// <summary>The full path of the folder the plugin was loaded from.</summary>
    public string Directory { get; }

    /// <summary>The plugin's action: one instance, called concurrently.</summary>
    public IIntegrationAction Action { get; }

    /// <summary>When the plugin was loaded, by the catalog's clock.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>The loader that owns the plugin's load context.</summary>
    internal PluginLoader Loader { get; }

    /// <summary>Returns the plugin's id, version and folder.</summary>
    public override string ToString() => $"{Manifest.Id} {Manifest.Version} ({PluginLoadFailure.DisplayPath(Directory)})";
}
