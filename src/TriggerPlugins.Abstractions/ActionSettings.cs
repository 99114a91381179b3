using System.Text.Json;

namespace TriggerPlugins.Abstractions;

/// <summary>
/// The account (credentials, endpoint) and the configuration (what to write) an action runs with,
/// as the admin wrote them. Their shape is the plugin's, described by its manifest.
/// </summary>
public sealed class ActionSettings
{
    /// <summary>The account's name, as triggers refer to it.</summary>
    public required string AccountName { get; init; }

    /// <summary>The account's settings (a JSON object). Holds secrets: never log it.</summary>
    public required JsonElement Account { get; init; }

    /// <summary>Where the account came from (a file path), for messages; <see langword="null"/> if unknown.</summary>
    public string? AccountSource { get; init; }

    /// <summary>The configuration's name, as triggers refer to it.</summary>
    public required string ConfigurationName { get; init; }

    /// <summary>The configuration's settings (a JSON object).</summary>
    public required JsonElement Configuration { get; init; }

    /// <summary>Where the configuration came from (a file path), for messages; <see langword="null"/> if unknown.</summary>
    public string? ConfigurationSource { get; init; }

    /// <summary>The folder relative file names in the configuration (templates) are resolved against.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Returns the names only: settings hold secrets.</summary>
    public override string ToString() => $"account '{AccountName}', configuration '{ConfigurationName}'";
}
