using System.Text.Json;

namespace TriggerPlugins.Admin.Pages.Accounts;

/// <summary>An account form generated from the plugin manifest's <c>accountFields</c>; save, and test the connection.</summary>
public sealed class EditModel(ConfigFolder folder, PluginCatalog catalog, ILogger<EditModel> logger)
    : SettingsEditModel(folder, catalog, ConfigurationLoader.AccountsFolder, logger)
{
    public string? CheckMessage { get; private set; }

    public bool CheckSucceeded { get; private set; }

    public IActionResult OnGet() => LoadStored() ? Page() : NotFound();

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        Problems = await SaveFormAsync(cancellationToken);
        return Problems.Count == 0 ? RedirectToPage("Edit", new { name = FileName }) : Page();
    }

    public async Task<IActionResult> OnPostTestAsync(CancellationToken cancellationToken)
    {
        if (!LoadStored())
        {
            return NotFound();
        }

        var loaded = Folder.Load();
        if (!loaded.Accounts.TryGetValue(Name!, out var account))
        {
            Problems = [.. loaded.Problems.Where(p => p.Source == Source)];
            CheckMessage = "the saved account has errors (above): fix and save it first.";
            return Page();
        }

        if (!Catalog.TryGetAction(account.Plugin, out var action) || action is not IConnectionCheck check)
        {
            CheckMessage = $"plugin '{account.Plugin}' cannot check a connection.";
            return Page();
        }

        // The configurations the triggers use with this account are checked too (their columns exist, for Dynamics 365).
        var configurations = loaded.Triggers.SelectMany(t => t.Actions).Where(a => a.Account == account.Name).Select(a => a.Configuration).Distinct().ToList();
        using var empty = JsonDocument.Parse("{}");
        var settings = configurations.Count == 0
            ? [new ActionSettings
            {
                AccountName = account.Name, Account = account.Settings, AccountSource = account.Source,
                ConfigurationName = "(none)", Configuration = empty.RootElement.Clone(), BaseDirectory = loaded.Directory,
            }]
            : configurations.Select(c => loaded.TryGetSettings(account.Name, c, out var s) ? s : null).OfType<ActionSettings>().ToList();
        var messages = new List<string>();
        CheckSucceeded = true;
        foreach (var item in settings)
        {
            var result = await check.CheckConnectionAsync(item, cancellationToken);
            CheckSucceeded &= result.Succeeded;
            messages.Add(configurations.Count == 0 ? result.Message : $"with configuration '{item.ConfigurationName}': {result.Message}");
        }

        CheckMessage = string.Join(" ", messages);
        return Page();
    }

    protected override IReadOnlyList<PluginField> FieldsOf(PluginManifest manifest) => manifest.AccountFields;
}
