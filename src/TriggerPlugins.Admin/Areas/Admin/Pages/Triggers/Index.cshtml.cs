using System.Text.Json.Nodes;

namespace TriggerPlugins.Admin.Pages.Triggers;

/// <summary>The triggers, with an on/off switch that rewrites the file's <c>enabled</c>.</summary>
public sealed class IndexModel(ConfigFolder folder, ILogger<IndexModel> logger) : PageModel
{
    private const string Kind = ConfigurationLoader.TriggersFolder;

    public sealed record Row(string Name, string Description, string On, string Actions, bool Enabled, int Errors = 0);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public IReadOnlyList<ValidationProblem> Problems { get; private set; } = [];

    public void OnGet()
    {
        var problems = folder.Load().Problems.Where(p => p.Severity == ValidationSeverity.Error).ToList();
        Rows = [.. folder.Names(Kind).Select(name => folder.Read(Kind, name) is { } file
            ? new Row(
                name,
                file["description"]?.ToString() ?? string.Empty,
                string.Join(", ", (file["on"] as JsonArray)?.Select(n => n?.ToString()) ?? [file["on"]?.ToString()]),
                string.Join(", ", (file["actions"] as JsonArray)?.Select(a => $"{a?["plugin"]} → {a?["account"]} → {a?["configuration"]}") ?? []),
                file["enabled"]?.GetValueKind() != System.Text.Json.JsonValueKind.False,
                problems.Count(p => p.Source == $"{Kind}/{name}.json"))
            : new Row(name, "(not a JSON object)", string.Empty, string.Empty, false))];
    }

    public async Task<IActionResult> OnPostToggleAsync(string name, CancellationToken cancellationToken)
    {
        if (folder.Read(Kind, name) is not { } file)
        {
            return NotFound();
        }

        var enabled = file["enabled"]?.GetValueKind() == System.Text.Json.JsonValueKind.False;
        file["enabled"] = enabled;
        var result = await folder.SaveAsync(Kind, name, file, cancellationToken);
        if (!result.Saved)
        {
            Problems = result.Problems;
            OnGet();
            return Page();
        }

        Log.Saved(logger, User.Identity?.Name, Kind, name);
        TempData["Message"] = $"Trigger {name} is {(enabled ? "on" : "off")}.";
        return RedirectToPage();
    }
}
