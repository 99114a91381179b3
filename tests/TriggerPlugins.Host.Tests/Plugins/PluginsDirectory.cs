using System.Text.Json;
using System.Text.Json.Nodes;

namespace TriggerPlugins.Host.Tests.Plugins;

/// <summary>
/// A throw-away <c>plugins/</c> folder in the temp directory, filled with copies of the laid-out plugins
/// (the real ones from the build's <c>plugins/</c>, the fixtures from <c>test-plugins/</c>) that tests then break.
/// </summary>
internal sealed class PluginsDirectory : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "triggerplugins-tests", Guid.NewGuid().ToString("N"));

    public PluginsDirectory()
    {
        Folder = Path.Combine(_root, "plugins");
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The plugins folder to load.</summary>
    public string Folder { get; }

    /// <summary>A real plugin laid out by the build next to the tests (build/CopyPlugins.targets).</summary>
    public static string BuiltPlugin(string id) => Path.Combine(AppContext.BaseDirectory, "plugins", id);

    /// <summary>A fixture plugin laid out by the build next to the tests (tests/Fixtures/CopyFixturePlugins.targets).</summary>
    public static string FixturePlugin(string id) => Path.Combine(AppContext.BaseDirectory, "test-plugins", id);

    /// <summary>Copies a laid-out plugin folder into this plugins folder, under <paramref name="folderName"/>.</summary>
    public string Add(string sourceFolder, string folderName)
    {
        Assert.True(File.Exists(Path.Combine(sourceFolder, "plugin.json")), $"the build did not lay out {sourceFolder}");
        var destination = Path.Combine(Folder, folderName);
        foreach (var file in Directory.EnumerateFiles(sourceFolder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(sourceFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return destination;
    }

    /// <summary>Rewrites a folder's plugin.json after changing it.</summary>
    public static void EditManifest(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, "plugin.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a loaded assembly may still be mapped; the temp folder is cleaned by the OS eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
