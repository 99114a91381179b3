using TriggerPlugins.Admin.ApiKeys;

namespace TriggerPlugins.Admin.Pages;

/// <summary>Ingestion API keys: create (shown once), list (prefixes only), revoke.</summary>
public sealed class ApiKeysModel(ApiKeyStore keys, ILogger<ApiKeysModel> logger) : PageModel
{
    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    public string? NewKey { get; private set; }

    public string? NewKeyName { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Keys = await keys.ListAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(string? name, CancellationToken cancellationToken)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 64)
        {
            TempData["Message"] = "A key needs a name of 1 to 64 characters (who uses it).";
            return RedirectToPage();
        }

        // Rendered in this response only (no redirect, no TempData): the key exists in clear nowhere else.
        if (await keys.CreateAsync(name, cancellationToken) is not { } created)
        {
            TempData["Message"] = $"A key named '{name}' exists: choose another name.";
            return RedirectToPage();
        }

        Log.ApiKeyCreated(logger, User.Identity?.Name, created.Stored.Name);
        NewKey = created.Key;
        NewKeyName = name;
        Keys = await keys.ListAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string name, CancellationToken cancellationToken)
    {
        if (await keys.RevokeAsync(name, cancellationToken))
        {
            Log.ApiKeyRevoked(logger, User.Identity?.Name, name);
            TempData["Message"] = "Key revoked: requests with it are refused once the service reloads its keys.";
        }

        return RedirectToPage();
    }
}
