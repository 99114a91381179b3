namespace TriggerPlugins.Host.Plugins;

/// <summary>A plugin folder the host refused to load, and why.</summary>
/// <param name="Folder">The refused folder's full path.</param>
/// <param name="Reason">What is wrong and what to fix, fit to show an admin (no stack trace).</param>
public sealed record PluginLoadFailure(string Folder, string Reason)
{
    /// <summary>Formats the failure as <c>plugins/&lt;folder&gt;: reason</c>.</summary>
    public override string ToString() => $"{DisplayPath(Folder)}: {Reason}";

    /// <summary>A folder as messages name it: its parent's name and its own (<c>plugins/dynamics365</c>).</summary>
    internal static string DisplayPath(string folder)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(folder);
        var parent = Path.GetFileName(Path.GetDirectoryName(trimmed));
        var name = Path.GetFileName(trimmed);
        return string.IsNullOrEmpty(parent) ? name : $"{parent}/{name}";
    }
}
