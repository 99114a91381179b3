using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Admin.Config;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Admin.Pages.Accounts;

/// <summary>An account form generated from the plugin manifest's <c>accountFields</c>; save, and test the connection.</summary>
public sealed class EditModel(ConfigFolder folder, PluginCatalog catalog, ILogger<EditModel> logger) : PageModel
{
    private const string Kind = ConfigurationLoader.AccountsFolder;

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

    public IReadOnlyList<FieldInput> Inputs { get; private set; } = [];

    public IReadOnlyList<ValidationProblem> Problems { get; private set; } = [];

    public string? CheckMessage { get; private set; }

    public bool CheckSucceeded { get; private set; }

    public IActionResult OnGet()
    {
        if (!IsNew && folder.Read(Kind, Name!) is null)
        {
            return NotFound();
        }

        var stored = IsNew ? null : folder.Read(Kind, Name!);
        Plugin = stored?["plugin"]?.ToString() ?? Plugin ?? FirstPlugin()?.Id;
        Values = SettingsForm.ToValues(stored, Fields());
        Inputs = [.. SettingsForm.Inputs(Fields(), Values, stored)];
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        var name = IsNew ? NewName?.Trim() ?? string.Empty : Name!;
        var stored = folder.Read(Kind, name);
        var problems = new List<ValidationProblem>();
        if (IsNew && stored is not null)
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, $"{Kind}/{name}.json", "name", "an account with this name exists: choose another name, or edit it from the list"));
        }

        if (Plugin is null || !catalog.Plugins.Any(p => p.Id == Plugin))
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, $"{Kind}/{name}.json", "plugin", $"no loaded plugin has the id '{Plugin}'"));
        }

        var file = SettingsForm.Build(Plugin ?? string.Empty, Fields(), Values, stored, $"{Kind}/{name}.json", problems);
        if (problems.Count == 0)
        {
            var result = await folder.SaveAsync(Kind, name, file, cancellationToken);
            if (result.Saved)
            {
                Log.Saved(logger, User.Identity?.Name, Kind, name);
                TempData["Message"] = $"Saved accounts/{name}.json; the service reloads it.";
                return RedirectToPage("Edit", new { name });
            }

            Log.SaveRefused(logger, Kind, name, result.Problems.Count);
            problems.AddRange(result.Problems);
        }

        Problems = problems;
        NewName = IsNew ? name : null;
        Inputs = [.. SettingsForm.Inputs(Fields(), Values, stored)];
        return Page();
    }

    public async Task<IActionResult> OnPostTestAsync(CancellationToken cancellationToken)
    {
        OnGet();
        var loaded = folder.Load();
        if (!loaded.Accounts.TryGetValue(Name!, out var account))
        {
            Problems = [.. loaded.Problems.Where(p => p.Source == $"{Kind}/{Name}.json")];
            CheckMessage = "the saved account has errors (above): fix and save it first.";
            return Page();
        }

        if (!catalog.TryGetAction(account.Plugin, out var action) || action is not IConnectionCheck check)
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

    private IReadOnlyList<PluginField> Fields() =>
        catalog.Plugins.FirstOrDefault(p => p.Id == Plugin)?.Manifest.AccountFields ?? FirstPlugin()?.Manifest.AccountFields ?? [];

    private LoadedPlugin? FirstPlugin() => catalog.Plugins.Count > 0 ? catalog.Plugins[0] : null;
}
