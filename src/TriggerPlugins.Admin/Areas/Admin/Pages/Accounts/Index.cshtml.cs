using Microsoft.AspNetCore.Mvc.RazorPages;
using TriggerPlugins.Admin.Config;

namespace TriggerPlugins.Admin.Pages.Accounts;

/// <summary>The accounts of the config folder, with their state as the loader sees them.</summary>
public sealed class IndexModel(ConfigFolder folder) : PageModel
{
    public IReadOnlyList<FileRow> Rows { get; private set; } = [];

    public void OnGet() => Rows = FileRow.List(folder, Host.Configuration.ConfigurationLoader.AccountsFolder);
}
