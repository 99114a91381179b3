namespace TriggerPlugins.Host;
