namespace TriggerPlugins.Host.Plugins;

/// <summary>
/// A plugin's manifest: the <c>plugin.json</c> file at the root of its folder, which says what the
/// plugin is, which contract it was built for, which assembly to load, and which fields its accounts
/// and configurations have (for an admin UI). See <c>docs/writing-a-plugin.md</c> for the format.
/// </summary>
public sealed record PluginManifest
{
    /// <summary>The manifest's file name inside a plugin folder.</summary>
    public const string FileName = "plugin.json";

    /// <summary>The plugin's id: a lower-case slug (<c>dynamics365</c>, <c>my-crm</c>); accounts and triggers refer to it.</summary>
    public required string Id { get; init; }

    /// <summary>The name shown to admins (for example <c>dynamics 365 integration</c>).</summary>
    public required string DisplayName { get; init; }

    /// <summary>What the plugin does, in a sentence or two; empty when the manifest has none.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>The plugin's own version (semantic version, for example <c>1.2.0</c>).</summary>
    public required string Version { get; init; }

    /// <summary>The contract version the plugin was built against (major.minor.patch).</summary>
    public required Version ContractVersion { get; init; }

    /// <summary>The file name of the assembly that holds the <c>IIntegrationAction</c> implementation.</summary>
    public required string EntryAssembly { get; init; }

    /// <summary>The fields of an account (credentials, endpoint), in display order.</summary>
    public IReadOnlyList<PluginField> AccountFields { get; init; } = [];

    /// <summary>The fields of a configuration (what the action writes), in display order.</summary>
    public IReadOnlyList<PluginField> ConfigurationFields { get; init; } = [];

    /// <summary>
    /// The account fields that identify the remote environment (for Dynamics 365: <c>weburl</c> and the emulator's
    /// certificate). Their values are part of each delivery's id, so a delivery made in one environment is never
    /// reported as done in another. Empty: the environment is not part of the id.
    /// </summary>
    public IReadOnlyList<string> EnvironmentFields { get; init; } = [];
}

/// <summary>One field of an account or a configuration, as an admin UI shows it.</summary>
public sealed record PluginField
{
    /// <summary>The JSON property name in the account or configuration file.</summary>
    public required string Name { get; init; }

    /// <summary>The label shown to admins; the name when the manifest has none.</summary>
    public required string Label { get; init; }

    /// <summary>What kind of value the field holds.</summary>
    public required PluginFieldType Type { get; init; }

    /// <summary>True when the field must be present.</summary>
    public bool Required { get; init; }

    /// <summary>True when the value is a secret: UIs mask it and nothing logs it.</summary>
    public bool Secret { get; init; }

    /// <summary>The value used when the field is absent, as JSON text for non-strings; <see langword="null"/> if none.</summary>
    public string? Default { get; init; }

    /// <summary>The allowed values of a <see cref="PluginFieldType.Choice"/> field; empty otherwise.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];
}

/// <summary>What kind of value a <see cref="PluginField"/> holds (written in lower case in the manifest).</summary>
public enum PluginFieldType
{
    /// <summary>Free text (<c>string</c>).</summary>
    Text,

    /// <summary>An absolute URL (<c>url</c>).</summary>
    Url,

    /// <summary>One of the field's <see cref="PluginField.Choices"/> (<c>choice</c>).</summary>
    Choice,

    /// <summary>A template rendered for each call (<c>template</c>).</summary>
    Template,

    /// <summary>An object of names to values or templates (<c>map</c>).</summary>
    Map,

    /// <summary>A number (<c>number</c>).</summary>
    Number,

    /// <summary>A list of objects with the field's own sub-fields (<c>list</c>), e.g. several application users.</summary>
    List,

    /// <summary>true or false (<c>boolean</c>).</summary>
    Boolean,
}
