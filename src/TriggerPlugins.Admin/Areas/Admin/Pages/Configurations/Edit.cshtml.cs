using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Admin.Config;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Admin.Pages.Configurations;

/// <summary>
/// A configuration form generated from the manifest's <c>configurationFields</c>, with template editors checked on
/// the server as the admin types (the script posts the form, debounced, to <see cref="OnPostPreviewAsync"/>) and a
/// live preview of the ticket for a sample call.
/// </summary>
public sealed class EditModel(ConfigFolder folder, PluginCatalog catalog, ILogger<EditModel> logger) : PageModel
{
    private const string Kind = ConfigurationLoader.ConfigurationsFolder;

    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty]
    public string? NewName { get; set; }

    [BindProperty]
    public string? Plugin { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Values { get; set; } = new(StringComparer.Ordinal);

    [BindProperty]
    public string? PreviewAccount { get; set; }

    [BindProperty]
    public int Sample { get; set; }

    [BindProperty]
    public string? Pasted { get; set; }

    public PluginCatalog Catalog => catalog;

    public bool IsNew => string.IsNullOrEmpty(Name);

    public IReadOnlyList<FieldInput> Inputs { get; private set; } = [];

    public IReadOnlyList<string> AccountNames { get; private set; } = [];

    public IReadOnlyList<ValidationProblem> Problems { get; private set; } = [];

    public string? PreviewError { get; private set; }

    public ActionPreview? Preview { get; private set; }

    private string FileName => IsNew ? NewName?.Trim() ?? string.Empty : Name!;

    private string Source => $"{Kind}/{(FileName.Length == 0 ? "new" : FileName)}.json";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var stored = IsNew ? null : folder.Read(Kind, Name!);
        if (!IsNew && stored is null)
        {
            return NotFound();
        }

        Plugin = stored?["plugin"]?.ToString() ?? FirstPlugin()?.Id;
        Values = SettingsForm.ToValues(stored, Fields());
        await CheckAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken cancellationToken)
    {
        await CheckAsync(cancellationToken);
        return Request.Headers.ContainsKey("X-Live") ? Partial("_ConfigurationCheck", this) : Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        var problems = new List<ValidationProblem>();
        if (IsNew && folder.Read(Kind, FileName) is not null)
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, Source, "name", "a configuration with this name exists: choose another name, or edit it from the list"));
        }

        var file = SettingsForm.Build(Plugin ?? string.Empty, Fields(), Values, folder.Read(Kind, FileName), Source, problems);
        if (problems.Count == 0)
        {
            var result = await folder.SaveAsync(Kind, FileName, file, cancellationToken);
            if (result.Saved)
            {
                Log.Saved(logger, User.Identity?.Name, Kind, FileName);
                TempData["Message"] = $"Saved {Source}; the service reloads it.";
                return RedirectToPage("Edit", new { name = FileName });
            }

            Log.SaveRefused(logger, Kind, FileName, result.Problems.Count);
            problems.AddRange(result.Problems);
        }

        await CheckAsync(cancellationToken);
        Problems = [.. problems, .. Problems.Where(p => !problems.Contains(p))];
        return Page();
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var stored = FileName.Length == 0 ? null : folder.Read(Kind, FileName);
        Inputs = [.. SettingsForm.Inputs(Fields(), Values, stored)];
        var loaded = folder.Load();
        var accounts = loaded.Accounts.Values.Where(a => a.Plugin == Plugin).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        AccountNames = [.. accounts.Select(a => a.Name)];
        var problems = new List<ValidationProblem>();
        var file = SettingsForm.Build(Plugin ?? string.Empty, Fields(), Values, stored, Source, problems);
        Problems = problems;
        if (problems.Count > 0 || Plugin is null || !catalog.TryGetAction(Plugin, out var action))
        {
            return;
        }

        var account = accounts.Find(a => a.Name == PreviewAccount) ?? accounts.FirstOrDefault();
        if (account is null)
        {
            PreviewError = $"No valid account for plugin '{Plugin}': add one under Accounts. The check and the preview use an account's settings.";
            return;
        }

        PreviewAccount = account.Name;
        using var document = JsonDocument.Parse(file.ToJsonString());
        var settings = new ActionSettings
        {
            AccountName = account.Name,
            Account = account.Settings,
            AccountSource = account.Source,
            ConfigurationName = FileName.Length == 0 ? "new" : FileName,
            Configuration = document.RootElement.Clone(),
            ConfigurationSource = Source,
            BaseDirectory = loaded.Directory,
        };
        var report = action.Validate(settings);
        Problems = report.Problems;
        if (!report.IsValid || action is not IActionPreview preview)
        {
            return;
        }

        var (call, error) = SampleCalls.Get(Sample, Pasted);
        if (call is null)
        {
            PreviewError = error;
            return;
        }

        try
        {
            Preview = await preview.PreviewAsync(new ActionRequest { Call = call, Settings = settings, DeliveryId = "preview-" + call.Id }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A template that fails on this call (e.g. a runtime error) is the admin's to fix: say what and where.
            PreviewError = "The preview failed for this call: " + ex.Message;
        }
    }

    private IReadOnlyList<PluginField> Fields() =>
        catalog.Plugins.FirstOrDefault(p => p.Id == Plugin)?.Manifest.ConfigurationFields ?? FirstPlugin()?.Manifest.ConfigurationFields ?? [];

    private LoadedPlugin? FirstPlugin() => catalog.Plugins.Count > 0 ? catalog.Plugins[0] : null;
}
