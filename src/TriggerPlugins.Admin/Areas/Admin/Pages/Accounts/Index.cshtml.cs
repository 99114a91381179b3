namespace TriggerPlugins.Admin.Pages.Accounts;

/// <summary>The accounts of the config folder.</summary>
public sealed class IndexModel(ConfigFolder folder) : FileListModel(folder, ConfigurationLoader.AccountsFolder);
