using System.Text.Json;

namespace TriggerPlugins.Admin.Pages.Configurations;

/// <summary>
/// A configuration form generated from the manifest's <c>configurationFields</c>, with template editors checked on
/// the server as the admin types (the script posts the form, debounced, to <see cref="OnPostPreviewAsync"/>) and a
/// live preview of the ticket for a sample call.
/// </summary>
public sealed class EditModel(ConfigFolder folder, PluginCatalog catalog, ILogger<EditModel> logger)
    : SettingsEditModel(folder, catalog, ConfigurationLoader.ConfigurationsFolder, logger)
{
    [BindProperty]
    public string? PreviewAccount { get; set; }

    [BindProperty]
    public int Sample { get; set; }

    [BindProperty]
    public string? Pasted { get; set; }

    public IReadOnlyList<string> AccountNames { get; private set; } = [];

    public string? PreviewError { get; private set; }

    public ActionPreview? Preview { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!LoadStored())
        {
            return NotFound();
        }

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
        var problems = await SaveFormAsync(cancellationToken);
        if (problems.Count == 0)
        {
            return RedirectToPage("Edit", new { name = FileName });
        }

        await CheckAsync(cancellationToken);
        Problems = [.. problems, .. Problems.Where(p => !problems.Contains(p))];
        return Page();
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var stored = Stored;
        Inputs = [.. SettingsForm.Inputs(Fields(), Values, stored)];
        var loaded = Folder.Load();
        var accounts = loaded.Accounts.Values.Where(a => a.Plugin == Plugin).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        AccountNames = [.. accounts.Select(a => a.Name)];
        var problems = new List<ValidationProblem>();
        var file = SettingsForm.Build(Plugin ?? string.Empty, Fields(), Values, stored, Source, problems);
        Problems = problems;
        if (problems.Count > 0 || Plugin is null || !Catalog.TryGetAction(Plugin, out var action))
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

    protected override IReadOnlyList<PluginField> FieldsOf(PluginManifest manifest) => manifest.ConfigurationFields;
}
