namespace TriggerPlugins.Abstractions;

/// <summary>
/// The semantic version of this contract. A host loads a plugin only when the plugin was built
/// against the same <see cref="Major"/> version; minor versions add members without breaking plugins.
/// </summary>
public static class ContractVersion
{
    /// <summary>The major version: changes only when the contract breaks existing plugins.</summary>
    public const int Major = 1;

    /// <summary>The minor version: changes when the contract grows in a compatible way.</summary>
    public const int Minor = 2;

    /// <summary>The patch version: documentation and fixes that change no member.</summary>
    public const int Patch = 0;

    /// <summary>The full version, as plugin manifests write it (for example <c>1.0.0</c>).</summary>
    public static string Current => $"{Major}.{Minor}.{Patch}";
}
