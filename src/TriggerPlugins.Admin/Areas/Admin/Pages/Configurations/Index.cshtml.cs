namespace TriggerPlugins.Admin.Pages.Configurations;

/// <summary>The configurations of the config folder.</summary>
public sealed class IndexModel(ConfigFolder folder) : FileListModel(folder, ConfigurationLoader.ConfigurationsFolder);
