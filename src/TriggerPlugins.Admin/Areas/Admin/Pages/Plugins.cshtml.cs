namespace TriggerPlugins.Admin.Pages;

/// <summary>The loaded plugins, and the refused folders with their reasons.</summary>
public sealed class PluginsModel(PluginCatalog catalog) : PageModel
{
    public PluginCatalog Catalog => catalog;
}
