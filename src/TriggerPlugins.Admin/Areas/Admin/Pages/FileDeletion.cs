namespace TriggerPlugins.Admin.Pages;

/// <summary>The delete button of the account, configuration and trigger pages.</summary>
internal static class FileDeletion
{
    /// <summary>Deletes <c>kind/name.json</c> unless another file needs it; on success, logs it and tells the next page.</summary>
    public static async Task<SaveResult> DeleteFileAsync(this PageModel page, ConfigFolder folder, string kind, string name, ILogger logger, CancellationToken cancellationToken)
    {
        var result = await folder.DeleteAsync(kind, name, cancellationToken);
        if (result.Saved)
        {
            Log.Deleted(logger, page.User.Identity?.Name, kind, name);
            page.TempData["Message"] = $"Deleted {kind}/{name}.json.";
        }

        return result;
    }
}
