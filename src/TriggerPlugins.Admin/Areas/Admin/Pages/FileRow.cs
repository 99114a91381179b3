namespace TriggerPlugins.Admin.Pages;

/// <summary>A row of the accounts or configurations list: a file, its plugin, and its errors as the host loads it.</summary>
public sealed record FileRow(string Name, string Plugin, int Errors)
{
    /// <summary>The files of one kind (<c>accounts</c> or <c>configurations</c>).</summary>
    public static IReadOnlyList<FileRow> List(ConfigFolder folder, string kind)
    {
        var loaded = folder.Load();
        return [.. folder.Names(kind).Select(name => new FileRow(
            name,
            folder.Read(kind, name)?["plugin"]?.ToString() ?? "?",
            loaded.Problems.Count(p => p.Severity == ValidationSeverity.Error && p.Source == $"{kind}/{name}.json")))];
    }
}

/// <summary>The accounts or configurations list: the files, their plugin, and their state as the loader sees them.</summary>
public abstract class FileListModel(ConfigFolder folder, string kind) : PageModel
{
    public IReadOnlyList<FileRow> Rows { get; private set; } = [];

    public void OnGet() => Rows = FileRow.List(folder, kind);
}
