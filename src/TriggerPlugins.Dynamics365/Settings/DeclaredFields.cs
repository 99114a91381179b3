using System.Text.Json;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>A field's type as the manifest writes it (<c>"type"</c>), and so the JSON value it takes.</summary>
internal enum DeclaredType
{
    String,
    Url,
    Choice,
    Template,
    Map,
    Number,
    Boolean,
    List,
}

/// <summary>One field as plugin-manifest/dynamics365.json declares it: the single source of its name, type, required flag, default and choices.</summary>
internal sealed record DeclaredField(string Name, string Label, DeclaredType Type, bool Required = false, JsonElement? Default = null, IReadOnlyList<string>? Choices = null)
{
    /// <summary>The JSON value kind the type takes (a boolean takes <c>true</c> or <c>false</c>; both are <see cref="JsonValueKind.True"/> here).</summary>
    public JsonValueKind Kind => Type switch
    {
        DeclaredType.Map => JsonValueKind.Object,
        DeclaredType.List => JsonValueKind.Array,
        DeclaredType.Number => JsonValueKind.Number,
        DeclaredType.Boolean => JsonValueKind.True,
        _ => JsonValueKind.String,
    };
}

/// <summary>
/// The account and configuration fields, read from the plugin's manifest, which the build embeds in this assembly
/// (the same file the build lays out as plugin.json, and the admin console draws its forms from). The readers read
/// fields through <see cref="JsonFields"/> by these declarations, so a name, type, required flag, default or choice is
/// written once: in the manifest. Seq apps (<c>[SeqAppSetting]</c>) and Elsa activities (typed inputs) do the same
/// the other way round; a JSON manifest first keeps the host able to read it without loading the plugin.
/// </summary>
internal static class DeclaredFields
{
    public const string ManifestResource = "TriggerPlugins.Dynamics365.plugin.json";

    // The host reads "plugin" (which plugin the file is for); the plugin accepts it and reads nothing from it.
    private static readonly DeclaredField Plugin = new("plugin", "Plugin id", DeclaredType.String);

    private static readonly Lazy<(IReadOnlyList<DeclaredField> Account, IReadOnlyList<DeclaredField> Configuration)> Manifest = new(Load);

    /// <summary>The manifest's <c>accountFields</c>, and <c>plugin</c>.</summary>
    public static IReadOnlyList<DeclaredField> Account => Manifest.Value.Account;

    /// <summary>The manifest's <c>configurationFields</c>, and <c>plugin</c>.</summary>
    public static IReadOnlyList<DeclaredField> Configuration => Manifest.Value.Configuration;

    /// <summary>The declared field <paramref name="name"/> (a programming error when it is not declared).</summary>
    public static DeclaredField Named(this IReadOnlyList<DeclaredField> fields, string name)
        => fields.SingleOrDefault(f => f.Name == name) ?? throw new InvalidOperationException($"'{name}' is not declared in the manifest.");

    private static (IReadOnlyList<DeclaredField>, IReadOnlyList<DeclaredField>) Load()
    {
        using var stream = typeof(DeclaredFields).Assembly.GetManifestResourceStream(ManifestResource)
            ?? throw new InvalidOperationException($"The plugin assembly lacks its embedded manifest '{ManifestResource}': the project embeds plugin-manifest/dynamics365.json at build.");
        // Comments and trailing commas, as the host's manifest reader accepts them.
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return ([Plugin, .. Fields(document.RootElement, "accountFields")], [Plugin, .. Fields(document.RootElement, "configurationFields")]);
    }

    // The host's PluginManifestReader checks the manifest for admins; a malformed one here is a build mistake, so it throws.
    private static IEnumerable<DeclaredField> Fields(JsonElement root, string property)
        => root.GetProperty(property).EnumerateArray().Select(field => new DeclaredField(
            field.GetProperty("name").GetString()!,
            field.TryGetProperty("label", out var label) ? label.GetString()! : field.GetProperty("name").GetString()!,
            Enum.Parse<DeclaredType>(field.GetProperty("type").GetString()!, ignoreCase: true),
            field.TryGetProperty("required", out var required) && required.GetBoolean(),
            field.TryGetProperty("default", out var value) ? value.Clone() : null,
            field.TryGetProperty("choices", out var choices) ? [.. choices.EnumerateArray().Select(c => c.GetString()!)] : null));
}
