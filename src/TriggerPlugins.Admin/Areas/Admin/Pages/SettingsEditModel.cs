namespace TriggerPlugins.Admin.Pages;

/// <summary>
/// What the account and configuration forms share: the file's name (or a new one), its plugin, the values of the
/// fields the plugin's manifest declares, and a save that the host's loader validates first.
/// </summary>
public abstract class SettingsEditModel(ConfigFolder folder, PluginCatalog catalog, string kind, ILogger logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty]
    public string? NewName { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Plugin { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Values { get; set; } = new(StringComparer.Ordinal);

    public PluginCatalog Catalog => catalog;

    public bool IsNew => string.IsNullOrEmpty(Name);

    public IReadOnlyList<FieldInput> Inputs { get; protected set; } = [];

    public IReadOnlyList<ValidationProblem> Problems { get; protected set; } = [];

    protected ConfigFolder Folder => folder;

    protected string FileName => IsNew ? NewName?.Trim() ?? string.Empty : Name!;

    protected string Source => $"{kind}/{(FileName.Length == 0 ? "new" : FileName)}.json";

    /// <summary>The stored file, or null for a new one.</summary>
    protected System.Text.Json.Nodes.JsonObject? Stored => FileName.Length == 0 ? null : folder.Read(kind, FileName);

    /// <summary>The manifest's fields of this kind of file.</summary>
    protected abstract IReadOnlyList<PluginField> FieldsOf(PluginManifest manifest);

    /// <summary>Fills the form from the stored file; false when the named file does not exist.</summary>
    protected bool LoadStored()
    {
        var stored = Stored;
        if (!IsNew && stored is null)
        {
            return false;
        }

        Plugin = stored?["plugin"]?.ToString() ?? Plugin ?? FirstPlugin()?.Id;
        Values = SettingsForm.ToValues(stored, Fields());
        Inputs = [.. SettingsForm.Inputs(Fields(), Values, stored)];
        return true;
    }

    /// <summary>Builds the file from the form and saves it; the problems when it is refused, none when saved.</summary>
    protected async Task<List<ValidationProblem>> SaveFormAsync(CancellationToken cancellationToken)
    {
        var stored = Stored;
        var problems = new List<ValidationProblem>();
        if (IsNew && stored is not null)
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, Source, "name", "a file with this name exists: choose another name, or edit it from the list"));
        }

        if (Plugin is null || !catalog.TryGetAction(Plugin, out _))
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, Source, "plugin", $"no loaded plugin has the id '{Plugin}'"));
        }

        var file = SettingsForm.Build(Plugin ?? string.Empty, Fields(), Values, stored, Source, problems);
        if (problems.Count == 0)
        {
            var result = await folder.SaveAsync(kind, FileName, file, cancellationToken);
            if (result.Saved)
            {
                Log.Saved(logger, User.Identity?.Name, kind, FileName);
                TempData["Message"] = $"Saved {Source}; the service reloads it.";
                return problems;
            }

            Log.SaveRefused(logger, kind, FileName, result.Problems.Count);
            problems.AddRange(result.Problems);
        }

        Inputs = [.. SettingsForm.Inputs(Fields(), Values, stored)];
        return problems;
    }

    /// <summary>Deletes the file, unless another file needs it (the loader says which).</summary>
    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        var result = await this.DeleteFileAsync(folder, kind, FileName, logger, cancellationToken);
        if (result.Saved)
        {
            return RedirectToPage("Index");
        }

        LoadStored();
        Problems = result.Problems;
        return Page();
    }

    protected IReadOnlyList<PluginField> Fields() =>
        (catalog.Plugins.FirstOrDefault(p => p.Id == Plugin) ?? FirstPlugin())?.Manifest is { } manifest ? FieldsOf(manifest) : [];

    private LoadedPlugin? FirstPlugin() => catalog.Plugins.Count > 0 ? catalog.Plugins[0] : null;
}
