using System.Text.Json;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Configuration;

/// <summary>An account or a configuration: a JSON object from <c>accounts/</c> or <c>configurations/</c>.</summary>
/// <param name="Name">The file name without <c>.json</c>: what triggers refer to.</param>
/// <param name="Plugin">The value of its <c>plugin</c> property.</param>
/// <param name="Settings">The whole object (with <c>env:</c> references resolved, for accounts). Accounts hold secrets: never log them.</param>
/// <param name="Source">The file, relative to the config folder.</param>
public sealed record SettingsFile(string Name, string Plugin, JsonElement Settings, string Source)
{
    /// <summary>Names the file only: the settings may hold secrets.</summary>
    public override string ToString() => $"{Source} (plugin {Plugin})";

    /// <summary>The settings an action runs with: this account with <paramref name="configuration"/>.</summary>
    internal ActionSettings With(SettingsFile configuration, string baseDirectory) => new()
    {
        AccountName = Name,
        Account = Settings,
        AccountSource = Source,
        ConfigurationName = configuration.Name,
        Configuration = configuration.Settings,
        ConfigurationSource = configuration.Source,
        BaseDirectory = baseDirectory,
    };
}
