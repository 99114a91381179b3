using System.CommandLine;
using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Cli.Common;

/// <summary>Options several commands share, so they read and behave the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<DirectoryInfo> Config() => new("--config", "-c")
    {
        Description = "The config folder: accounts/, configurations/, triggers/ (see samples/config/README.md).",
        Required = true,
    };

    public static Option<DirectoryInfo?> Plugins() => new("--plugins")
    {
        Description = "The plugins folder (one sub-folder per plugin). Default: plugins/ next to the triggers executable.",
    };

    public static Option<DirectoryInfo?> Data() => new("--data")
    {
        Description = "The folder of the durable delivery queue. Default: ~/.local/share/triggerplugins (LocalApplicationData).",
    };

    public static Option<bool> ReplaceDamagedQueue() => new("--replace-damaged-queue")
    {
        Description = "When the queue file is empty or damaged, move it aside (deliveries.db.damaged-*) and start an empty queue. Without it, such a file is refused.",
    };

    public static DeliveryStoreOpenMode OpenMode(bool replaceDamaged) =>
        replaceDamaged ? DeliveryStoreOpenMode.ReplaceDamaged : DeliveryStoreOpenMode.CreateIfMissing;

    public static Option<bool> Verbose() => new("--verbose", "-v") { Description = "Log debug details to standard error." };

    public static string PluginsPath(DirectoryInfo? value) => value?.FullName ?? SamplePaths.Plugins;

    public static string DataPath(DirectoryInfo? value) => value?.FullName
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "triggerplugins");
}
