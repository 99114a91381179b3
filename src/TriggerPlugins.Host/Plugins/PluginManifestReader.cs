using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.RegularExpressions;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Json;

namespace TriggerPlugins.Host.Plugins;

/// <summary>
/// Reads a <c>plugin.json</c> by hand rather than by deserialization, so that every problem is reported
/// at once, by property path (<c>accountFields[2].type</c>), and malformed JSON by line and column.
/// </summary>
internal static partial class PluginManifestReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // Manifests are written by hand: forgive what JSON-with-comments editors allow.
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly Dictionary<string, PluginFieldType> FieldTypes = new(StringComparer.Ordinal)
    {
        ["string"] = PluginFieldType.Text,
        ["url"] = PluginFieldType.Url,
        ["choice"] = PluginFieldType.Choice,
        ["template"] = PluginFieldType.Template,
        ["map"] = PluginFieldType.Map,
        ["number"] = PluginFieldType.Number,
        ["boolean"] = PluginFieldType.Boolean,
        ["list"] = PluginFieldType.List,
    };

    /// <summary>Parses manifest text.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">How problems name the file (for example <c>plugin.json</c>).</param>
    /// <param name="manifest">The manifest, when there is no problem.</param>
    /// <param name="problems">Every problem found; empty when <paramref name="manifest"/> is set.</param>
    public static bool TryParse(
        string json,
        string source,
        [NotNullWhen(true)] out PluginManifest? manifest,
        out IReadOnlyList<ValidationProblem> problems)
    {
        manifest = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            problems = [Malformed(source, ex)];
            return false;
        }

        using (document)
        {
            var reader = new ObjectReader(source);
            manifest = reader.ReadManifest(document.RootElement);
            problems = reader.Problems;
            if (problems.Count > 0)
            {
                manifest = null;
            }

            return manifest is not null;
        }
    }

    // The position goes into the problem's line and column, 1-based like editors count.
    private static ValidationProblem Malformed(string source, JsonException ex) => new(
        ValidationSeverity.Error,
        source,
        string.Empty,
        $"malformed JSON: {JsonText.WithoutPosition(ex.Message)}",
        JsonText.Line(ex),
        JsonText.Column(ex));

    // Lower-case letters and digits in hyphen-separated words: safe as a folder name and in URLs.
    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();

    // Semantic version: major.minor.patch with an optional pre-release tag.
    [GeneratedRegex(@"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SemanticVersionPattern();

    [GeneratedRegex(@"^\d+\.\d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex ContractVersionPattern();

    private sealed class ObjectReader(string source)
    {
        private const int MaxIdLength = 64;

        private readonly List<ValidationProblem> _problems = [];

        public IReadOnlyList<ValidationProblem> Problems => _problems;

        public PluginManifest? ReadManifest(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error(string.Empty, $"the manifest must be a JSON object, not {JsonText.Describe(root.ValueKind)}");
                return null;
            }

            var id = RequiredString(root, string.Empty, "id");
            if (id is not null && (id.Length > MaxIdLength || !SlugPattern().IsMatch(id)))
            {
                Error("id", $"'{id}' is not a valid id: use lower-case letters, digits and single hyphens (for example 'my-crm'), at most {MaxIdLength} characters");
            }

            var displayName = RequiredString(root, string.Empty, "displayName");
            var description = OptionalString(root, string.Empty, "description") ?? string.Empty;

            var version = RequiredString(root, string.Empty, "version");
            if (version is not null && !SemanticVersionPattern().IsMatch(version))
            {
                Error("version", $"'{version}' is not a semantic version such as '1.2.0'");
            }

            var contractText = RequiredString(root, string.Empty, "contractVersion");
            Version? contractVersion = null;
            if (contractText is not null)
            {
                if (ContractVersionPattern().IsMatch(contractText) && Version.TryParse(contractText, out var parsed))
                {
                    contractVersion = parsed;
                }
                else
                {
                    Error("contractVersion", $"'{contractText}' is not a contract version such as '{Abstractions.ContractVersion.Current}'");
                }
            }

            var entryAssembly = RequiredString(root, string.Empty, "entryAssembly");
            if (entryAssembly is not null
                && (entryAssembly.IndexOfAny(['/', '\\']) >= 0
                    || !entryAssembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                    || entryAssembly.Length <= ".dll".Length))
            {
                Error("entryAssembly", $"'{entryAssembly}' must be the file name of a .dll at the root of the plugin folder, with no directory");
            }

            var accountFields = ReadFields(root, "accountFields");
            var configurationFields = ReadFields(root, "configurationFields");
            var environmentFields = ReadEnvironmentFields(root, accountFields);

            if (_problems.Count > 0)
            {
                return null;
            }

            return new PluginManifest
            {
                Id = id!,
                DisplayName = displayName!,
                Description = description,
                Version = version!,
                ContractVersion = contractVersion!,
                EntryAssembly = entryAssembly!,
                AccountFields = accountFields,
                ConfigurationFields = configurationFields,
                EnvironmentFields = environmentFields,
            };
        }

        // Names of account fields that identify the remote environment: each must be one of accountFields.
        private List<string> ReadEnvironmentFields(JsonElement root, List<PluginField> accountFields)
        {
            var names = new List<string>();
            if (!root.TryGetProperty("environmentFields", out var array) || array.ValueKind == JsonValueKind.Null)
            {
                return names;
            }

            if (array.ValueKind != JsonValueKind.Array)
            {
                Error("environmentFields", $"must be an array of account field names (e.g. [\"weburl\"]), not {JsonText.Describe(array.ValueKind)}");
                return names;
            }

            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var path = JsonPath.Item("environmentFields", index++);
                if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } name)
                {
                    Error(path, "must be the name of an account field");
                }
                else if (!accountFields.Exists(f => f.Name == name))
                {
                    Error(path, $"'{name}' is not one of accountFields; name the account field that identifies the environment");
                }
                else
                {
                    names.Add(name);
                }
            }

            return names;
        }

        private List<PluginField> ReadFields(JsonElement root, string property)
        {
            var fields = new List<PluginField>();
            if (!root.TryGetProperty(property, out var array) || array.ValueKind == JsonValueKind.Null)
            {
                return fields;
            }

            if (array.ValueKind != JsonValueKind.Array)
            {
                Error(property, $"must be an array of fields, not {JsonText.Describe(array.ValueKind)}");
                return fields;
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var path = JsonPath.Item(property, index++);
                if (item.ValueKind != JsonValueKind.Object)
                {
                    Error(path, $"must be an object with at least 'name' and 'type', not {JsonText.Describe(item.ValueKind)}");
                    continue;
                }

                var field = ReadField(item, path);
                if (field is null)
                {
                    continue;
                }

                if (!names.Add(field.Name))
                {
                    Error($"{path}.name", $"'{field.Name}' is declared twice in {property}");
                    continue;
                }

                fields.Add(field);
            }

            return fields;
        }

        private PluginField? ReadField(JsonElement item, string path)
        {
            var name = RequiredString(item, path, "name");
            var label = OptionalString(item, path, "label");
            var typeText = RequiredString(item, path, "type");
            var required = OptionalBoolean(item, path, "required");
            var secret = OptionalBoolean(item, path, "secret");
            var choices = OptionalStrings(item, path, "choices");
            var defaultValue = OptionalScalar(item, path, "default");

            PluginFieldType? type = null;
            if (typeText is not null)
            {
                if (FieldTypes.TryGetValue(typeText, out var known))
                {
                    type = known;
                }
                else
                {
                    Error($"{path}.type", $"'{typeText}' is not a field type; use one of: {string.Join(", ", FieldTypes.Keys)}");
                }
            }

            if (type == PluginFieldType.Choice && choices.Count == 0)
            {
                Error($"{path}.choices", "a 'choice' field needs a non-empty 'choices' array");
            }

            if (type == PluginFieldType.Choice && defaultValue is not null && !choices.Contains(defaultValue))
            {
                Error($"{path}.default", $"'{defaultValue}' is not one of the field's choices");
            }

            if (name is null || type is null)
            {
                return null;
            }

            return new PluginField
            {
                Name = name,
                Label = label ?? name,
                Type = type.Value,
                Required = required,
                Secret = secret,
                Default = defaultValue,
                Choices = choices,
            };
        }

        private string? RequiredString(JsonElement obj, string parent, string name)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                Error(JsonPath.Property(parent, name), "is required but missing");
                return null;
            }

            return StringValue(value, JsonPath.Property(parent, name));
        }

        private string? OptionalString(JsonElement obj, string parent, string name)
            => obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
                ? StringValue(value, JsonPath.Property(parent, name))
                : null;

        private string? StringValue(JsonElement value, string path)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                Error(path, $"must be a string, not {JsonText.Describe(value.ValueKind)}");
                return null;
            }

            var text = value.GetString()!;
            if (string.IsNullOrWhiteSpace(text))
            {
                Error(path, "must not be empty");
                return null;
            }

            return text;
        }

        private bool OptionalBoolean(JsonElement obj, string parent, string name)
        {
            if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return false;
            }

            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return value.GetBoolean();
            }

            Error(JsonPath.Property(parent, name), $"must be true or false, not {JsonText.Describe(value.ValueKind)}");
            return false;
        }

        private List<string> OptionalStrings(JsonElement obj, string parent, string name)
        {
            var values = new List<string>();
            if (!obj.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
            {
                return values;
            }

            var path = JsonPath.Property(parent, name);
            if (array.ValueKind != JsonValueKind.Array)
            {
                Error(path, $"must be an array of strings, not {JsonText.Describe(array.ValueKind)}");
                return values;
            }

            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (StringValue(item, JsonPath.Item(path, index++)) is { } text)
                {
                    values.Add(text);
                }
            }

            return values;
        }

        private string? OptionalScalar(JsonElement obj, string parent, string name)
        {
            if (!obj.TryGetProperty(name, out var value))
            {
                return null;
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.Null:
                    return null;
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    return value.GetRawText();
                default:
                    Error(JsonPath.Property(parent, name), $"must be a string, a number or a boolean, not {JsonText.Describe(value.ValueKind)}");
                    return null;
            }
        }

        private void Error(string field, string message)
            => _problems.Add(new ValidationProblem(ValidationSeverity.Error, source, field, message));
    }
}
