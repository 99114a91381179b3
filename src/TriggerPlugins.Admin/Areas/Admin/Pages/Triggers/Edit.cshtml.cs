using System.Text.Json;
using System.Text.Json.Nodes;
using TriggerPlugins.Host.Events;

namespace TriggerPlugins.Admin.Pages.Triggers;

/// <summary>A trigger: events, match all/any, conditions and actions; saved only when the host's loader accepts it.</summary>
public sealed class EditModel(ConfigFolder folder, PluginCatalog catalog, ILogger<EditModel> logger) : PageModel
{
    private const string Kind = ConfigurationLoader.TriggersFolder;

    /// <summary>The condition fields of samples/config/README.md (the loader is the judge; this is the picker's list).</summary>
    public static readonly string[] ConditionFields = ["queue", "status", "outbound", "callerNumber", "calledNumber", "agent", "disposition", "variables."];

    /// <summary>The condition operators of samples/config/README.md.</summary>
    public static readonly string[] Operators = ["is", "isNot", "in", "notIn", "startsWith", "matches"];

    public sealed class ConditionRow
    {
        public string? Field { get; set; }

        public string? Operator { get; set; }

        public string? Value { get; set; }
    }

    public sealed class ActionRow
    {
        public string? Plugin { get; set; }

        public string? Account { get; set; }

        public string? Configuration { get; set; }
    }

    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty]
    public string? NewName { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public bool Enabled { get; set; } = true;

    [BindProperty]
    public List<string> On { get; set; } = [];

    [BindProperty]
    public string Match { get; set; } = "all";

    [BindProperty]
    public List<ConditionRow> Conditions { get; set; } = [];

    [BindProperty]
    public List<ActionRow> Actions { get; set; } = [];

    public bool IsNew => string.IsNullOrEmpty(Name);

    public PluginCatalog Catalog => catalog;

    public IReadOnlyList<string> EventKinds => ContractEnumNames.Names<CallEventKind>();

    public IReadOnlyList<string> AccountNames => folder.Names(ConfigurationLoader.AccountsFolder);

    public IReadOnlyList<string> ConfigurationNames => folder.Names(ConfigurationLoader.ConfigurationsFolder);

    public IReadOnlyList<ValidationProblem> Problems { get; private set; } = [];

    /// <summary>The id of the input to focus after a row was added (null: none), so the keyboard continues in the new row.</summary>
    public string? FocusId { get; private set; }

    public IActionResult OnGet()
    {
        if (!IsNew)
        {
            if (folder.Read(Kind, Name!) is not { } file)
            {
                return NotFound();
            }

            Description = file["description"]?.ToString();
            Enabled = file["enabled"]?.GetValueKind() != JsonValueKind.False;
            On = file["on"] is JsonArray on ? [.. on.Select(n => n?.ToString() ?? string.Empty)] : [file["on"]?.ToString() ?? string.Empty];
            Match = file["match"]?.ToString() ?? "all";
            Conditions = [.. (file["conditions"] as JsonArray ?? []).Select(c => new ConditionRow
            {
                Field = c?["field"]?.ToString(),
                Operator = c?["operator"]?.ToString(),
                Value = c?["value"] is JsonArray values ? string.Join(", ", values.Select(v => v?.ToString())) : c?["value"]?.ToString(),
            })];
            Actions = [.. (file["actions"] as JsonArray ?? []).Select(a => new ActionRow
            {
                Plugin = a?["plugin"]?.ToString(), Account = a?["account"]?.ToString(), Configuration = a?["configuration"]?.ToString(),
            })];
        }

        AddBlankRows();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var name = IsNew ? NewName?.Trim() ?? string.Empty : Name!;
        var problems = new List<ValidationProblem>();
        if (IsNew && folder.Read(Kind, name) is not null)
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, $"{Kind}/{name}.json", "name", "a trigger with this name exists: choose another name, or edit it from the list"));
        }

        if (problems.Count == 0)
        {
            var result = await folder.SaveAsync(Kind, name, ToJson(), cancellationToken);
            if (result.Saved)
            {
                Log.Saved(logger, User.Identity?.Name, Kind, name);
                TempData["Message"] = $"Saved triggers/{name}.json; the service reloads it.";
                return RedirectToPage("Index");
            }

            Log.SaveRefused(logger, Kind, name, result.Problems.Count);
            problems.AddRange(result.Problems);
        }

        Problems = problems;
        AddBlankRows();
        return Page();
    }

    /// <summary>
    /// The <b>Add condition</b> button: the form as posted (nothing saved, blank rows kept) with one more condition row.
    /// A plain form post, so it works without JavaScript.
    /// </summary>
    public IActionResult OnPostAddCondition()
    {
        Conditions.Add(new ConditionRow());
        FocusId = $"c{Conditions.Count - 1}-field";
        return Page();
    }

    /// <summary>The <b>Add action</b> button: the form as posted with one more action row.</summary>
    public IActionResult OnPostAddAction()
    {
        Actions.Add(new ActionRow());
        FocusId = $"a{Actions.Count - 1}-plugin";
        return Page();
    }

    /// <summary>Deletes the trigger.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        var result = await this.DeleteFileAsync(folder, Kind, Name ?? string.Empty, logger, cancellationToken);
        if (result.Saved)
        {
            return RedirectToPage("Index");
        }

        OnGet();
        Problems = result.Problems;
        return Page();
    }

    private JsonObject ToJson()
    {
        var json = new JsonObject();
        if (!string.IsNullOrWhiteSpace(Description))
        {
            json["description"] = Description.Trim();
        }

        json["enabled"] = Enabled;
        json["on"] = new JsonArray([.. On.Select(o => JsonValue.Create(o))]);
        json["match"] = Match;
        json["conditions"] = new JsonArray([.. Conditions.Where(c => !string.IsNullOrWhiteSpace(c.Field)).Select(c => (JsonNode)new JsonObject
        {
            ["field"] = c.Field!.Trim(),
            ["operator"] = c.Operator,
            ["value"] = ConditionValue(c),
        })]);
        json["actions"] = new JsonArray([.. Actions.Where(a => !string.IsNullOrWhiteSpace(a.Plugin) || !string.IsNullOrWhiteSpace(a.Account)).Select(a => (JsonNode)new JsonObject
        {
            ["plugin"] = a.Plugin ?? string.Empty,
            ["account"] = a.Account ?? string.Empty,
            ["configuration"] = a.Configuration ?? string.Empty,
        })]);
        return json;
    }

    // The value as the file format wants it: a list for in/notIn, true/false for outbound, text otherwise.
    private static JsonNode? ConditionValue(ConditionRow row)
    {
        var value = row.Value?.Trim() ?? string.Empty;
        if (row.Operator is "in" or "notIn")
        {
            return new JsonArray([.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => JsonValue.Create(v))]);
        }

        return row.Field?.Trim() == "outbound" && value is "true" or "false" ? JsonValue.Create(value == "true") : JsonValue.Create(value);
    }

    private void AddBlankRows()
    {
        Conditions.RemoveAll(c => string.IsNullOrWhiteSpace(c.Field));
        Actions.RemoveAll(a => string.IsNullOrWhiteSpace(a.Plugin) && string.IsNullOrWhiteSpace(a.Account));
        Conditions.AddRange([new ConditionRow(), new ConditionRow()]);
        Actions.Add(new ActionRow());
    }
}
