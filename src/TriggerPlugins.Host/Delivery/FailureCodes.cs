namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// The failure codes the host gives a dead letter when the plugin gave none (a plugin's own codes, such as
/// <c>auth.invalid-secret</c>, are kept as they are). All start with <c>host.</c>, so <c>--code host.*</c> selects them.
/// </summary>
public static class FailureCodes
{
    /// <summary>A permanent failure without a code from the plugin.</summary>
    public const string Permanent = "host.permanent";

    /// <summary>Transient failures went on past the retry deadline.</summary>
    public const string Deadline = "host.deadline";

    /// <summary>The plugin threw or returned something the contract does not allow.</summary>
    public const string PluginBug = "host.plugin-bug";

    /// <summary>The delivery's plugin is not loaded.</summary>
    public const string PluginNotLoaded = "host.plugin-not-loaded";

    /// <summary>The delivery's account or configuration is not in the loaded config.</summary>
    public const string SettingsMissing = "host.settings-missing";

    /// <summary>The stored call event cannot be read.</summary>
    public const string EventUnreadable = "host.event-unreadable";
}
