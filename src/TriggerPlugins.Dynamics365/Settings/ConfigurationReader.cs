using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Phones;
using TriggerPlugins.Dynamics365.Templates;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>
/// Reads and checks a configuration: templates (inline or from files) are parsed here, once; every
/// problem names the file or field, and the template line and column.
/// </summary>
internal static partial class ConfigurationReader
{
    public const string DefaultTitleFile = "title.sbn";
    public const string DefaultDescriptionFile = "description.sbn";

    // Attributes the plugin writes itself: a mapping cannot replace them.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "incidentid", "title", "description", "caseorigincode", "customerid_contact@odata.bind", "customerid_account@odata.bind",
        "customerid_contact", "customerid_account", "ownerid@odata.bind", "ownerid",
    };

    // The incident's standard choice and whole-number columns: Dataverse wants numbers there, so a plain
    // template ("prioritycode": "2") is sent as a number. Other attributes are sent as text unless typed.
    private const int MaxPhoneColumns = 5;

    private static readonly HashSet<string> ChoiceAttributes = new(StringComparer.Ordinal)
    {
        "prioritycode", "severitycode", "casetypecode", "customersatisfactioncode", "incidentstagecode",
        "contractservicelevelcode", "servicestage", "messagetypecode", "statuscode",
    };

    private static readonly string PhoneColumnsExpected =
        $"must be a list of 1 to {MaxPhoneColumns} distinct contact column names (lower case), e.g. [\"telephone1\", \"mobilephone\", \"telephone2\"]";

    // A typed mapping's own fields ({ template, type, maxLength }): the manifest declares "fields" as a map; its entries are declared here.
    private static readonly DeclaredField[] TypedMappingFields =
    [
        new("template", "the Scriban template whose text becomes the attribute's value", DeclaredType.Template, Required: true),
        new("type", "string, integer, decimal, boolean or choice", DeclaredType.String),
        new("maxLength", "the most characters sent", DeclaredType.Number),
    ];

    private static readonly HashSet<string> NumericAttributes = new(StringComparer.Ordinal) { "actualserviceunits", "billedserviceunits" };

    /// <summary>Reads the configuration; returns null when it has errors (all of them are in <paramref name="problems"/>).</summary>
    public static TicketConfiguration? Read(JsonElement configuration, ConfigurationPlace place, List<ValidationProblem> problems)
    {
        var errorsBefore = problems.Count(p => p.Severity == ValidationSeverity.Error);
        var fields = JsonFields.Read(configuration, place.Source, "configuration", DeclaredFields.Configuration, problems);

        var title = ReadTemplate(fields, "title", "titleFile", DefaultTitleFile, place, problems);
        var description = ReadTemplate(fields, "description", "descriptionFile", DefaultDescriptionFile, place, problems);
        var options = ReadOptions(fields, place.Source, problems);
        var mappings = ReadMappings(fields.Map("fields", "must be an object mapping incident attributes to templates or constants"), place.Source, problems);
        var calls = CallTicketSettings.Read(fields, place.Source, problems);
        var phoneColumns = ReadPhoneColumns(fields.List("phoneColumns", PhoneColumnsExpected), place.Source, problems);
        fields.EnsureEveryFieldRead();

        var hasErrors = problems.Count(p => p.Severity == ValidationSeverity.Error) > errorsBefore;
        return hasErrors || title is null || description is null || options is null || calls is null
            ? null
            : new TicketConfiguration(title, description, options, mappings) { Calls = calls, PhoneColumns = phoneColumns };
    }

    // The contact's phone columns: telephone1 by default; all are searched in the one lookup request.
    private static List<string> ReadPhoneColumns(JsonElement? element, string source, List<ValidationProblem> problems)
    {
        if (element is not { } columns)
        {
            return [Tickets.ContactDirectory.PhoneColumn];
        }

        var names = columns.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : "").ToList();
        if (names.Count is 0 or > MaxPhoneColumns || names.Exists(n => !PhoneColumnName().IsMatch(n)) || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, source, "phoneColumns", PhoneColumnsExpected));
            return [];
        }

        return names;
    }

    private static TicketTemplate? ReadTemplate(JsonFields fields, string inlineField, string fileField, string defaultFile, ConfigurationPlace place, List<ValidationProblem> problems)
    {
        var inline = fields.String(inlineField);
        var file = fields.String(fileField);
        if (inline is not null && file is not null)
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, place.Source, fileField, $"set either {inlineField} or {fileField}, not both"));
            return null;
        }

        if (inline is not null)
        {
            return TicketTemplate.Parse(inline, inlineField, place.Source, problems);
        }

        string path;
        string field;
        if (file is not null)
        {
            if (string.IsNullOrWhiteSpace(file))
            {
                problems.Add(new ValidationProblem(ValidationSeverity.Error, place.Source, fileField, "must be a template file path, e.g. templates/title.sbn"));
                return null;
            }

            field = fileField;
            if (!TemplateFiles.TryResolve(file, place.BaseDirectory, out path, out var problem))
            {
                problems.Add(new ValidationProblem(ValidationSeverity.Error, place.Source, fileField, problem));
                return null;
            }
        }
        else
        {
            path = Path.Combine(place.PluginDirectory, "templates", defaultFile);
            field = inlineField;
        }

        string text;
        try
        {
            text = TemplateFiles.Read(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            var what = file is null ? $"the default template '{path}' cannot be read (reinstall the plugin)" : $"cannot read the template file '{path}'";
            problems.Add(new ValidationProblem(ValidationSeverity.Error, place.Source, field, $"{what}: {ex.Message}"));
            return null;
        }

        // Problems name the file as the docs do, relative to the config folder, and the configuration that uses it.
        return file is null
            ? TicketTemplate.Parse(text, inlineField, path, problems)
            : TicketTemplate.Parse(text, $"{inlineField} ({fileField} of {place.Source})", ConfigRelative(path, place.BaseDirectory), problems);
    }

    private static string ConfigRelative(string path, string baseDirectory)
    {
        var relative = Path.GetRelativePath(baseDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative.Replace('\\', '/');
    }

    private static TemplateOptions? ReadOptions(JsonFields fields, string source, List<ValidationProblem> problems)
    {
        var ok = true;
        var country = fields.String("defaultCountry")?.Trim();
        if (country is { Length: 0 })
        {
            country = null;
        }

        if (country is not null && (country.Length != 2 || !PhoneNumber.IsSupportedCountry(country)))
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, source, "defaultCountry",
                $"'{country}' is not an ISO 3166 two-letter country code; expected e.g. IT, GB or US"));
            ok = false;
        }

        var zoneId = fields.String("timeZone")?.Trim();
        var zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrEmpty(zoneId) && !TryFindIanaZone(zoneId, out zone))
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, source, "timeZone",
                $"'{zoneId}' is not an IANA time zone id; expected e.g. Europe/Rome, America/New_York or UTC"));
            ok = false;
        }

        return ok ? new TemplateOptions(zone, country?.ToUpperInvariant()) : null;
    }

    private static bool TryFindIanaZone(string id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (id.Equals("UTC", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // Windows names ("W. Europe Standard Time") are refused so a configuration means the same on every host.
        return TimeZoneInfo.TryConvertIanaIdToWindowsId(id, out _) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone!);
    }

    private static List<FieldMapping> ReadMappings(JsonElement? element, string source, List<ValidationProblem> problems)
    {
        var mappings = new List<FieldMapping>();
        if (element is not { } fields)
        {
            return mappings;
        }

        foreach (var property in fields.EnumerateObject())
        {
            var path = $"fields.{property.Name}";
            if (!AttributeName().IsMatch(property.Name))
            {
                problems.Add(new ValidationProblem(ValidationSeverity.Error, source, path,
                    "must be an incident attribute's logical name (lower case, e.g. prioritycode or new_callid), optionally ending in @odata.bind for a lookup"));
                continue;
            }

            // Dataverse returns a lookup's value as the read-only property _<name>_value; writes go through <name>@odata.bind.
            // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-properties#lookup-properties
            if (LookupValue().Match(property.Name) is { Success: true } lookup)
            {
                problems.Add(new ValidationProblem(ValidationSeverity.Error, source, path,
                    $"is a lookup's read-only value property (Dataverse refuses it on create); to set the lookup, map \"{lookup.Groups[1].Value}@odata.bind\" to \"/<entity set>(<id>)\""));
                continue;
            }

            if (Reserved.Contains(property.Name))
            {
                problems.Add(new ValidationProblem(ValidationSeverity.Error, source, path,
                    "is written by the plugin itself (use title/description for the text; the customer and owner come from the call)"));
                continue;
            }

            var mapping = ReadMapping(property.Name, property.Value, path, source, problems);
            if (mapping is not null)
            {
                mappings.Add(mapping);
            }
        }

        return mappings;
    }

    private static FieldMapping? ReadMapping(string name, JsonElement value, string path, string source, List<ValidationProblem> problems)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var template = TicketTemplate.Parse(value.GetString()!, path, source, problems);
                return template is null ? null : new FieldMapping(name, template, null, TemplateType(name), null);
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                return new FieldMapping(name, null, JsonNode.Parse(value.GetRawText()), FieldType.String, null);
            case JsonValueKind.Object:
                return ReadTypedMapping(name, value, path, source, problems);
            default:
                problems.Add(new ValidationProblem(ValidationSeverity.Error, source, path,
                    "must be a template string, a constant (number, true/false, null) or { \"template\": \"...\", \"type\": \"string|integer|decimal|boolean|choice\", \"maxLength\": 100 }"));
                return null;
        }
    }

    private static FieldMapping? ReadTypedMapping(string name, JsonElement value, string path, string source, List<ValidationProblem> problems)
    {
        var before = problems.Count;
        var fields = JsonFields.Read(value, source, path, TypedMappingFields, problems);
        for (var i = before; i < problems.Count; i++)
        {
            problems[i] = problems[i] with { Field = $"{path}.{problems[i].Field}" };
        }

        var text = fields.String("template");
        var typeName = fields.String("type");
        var maxLength = fields.Integer("maxLength");
        FieldType? type = typeName?.ToLowerInvariant() switch
        {
            null or "string" => FieldType.String,
            "integer" or "int" => FieldType.Integer,
            "decimal" or "number" => FieldType.Decimal,
            "boolean" or "bool" => FieldType.Boolean,
            "choice" or "picklist" => FieldType.Choice,
            _ => null,
        };

        if (type is null)
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, source, $"{path}.type", $"'{typeName}' is not a type; expected string, integer, decimal, boolean or choice (an option's value or label)"));
        }

        if (maxLength is <= 0)
        {
            problems.Add(new ValidationProblem(ValidationSeverity.Error, source, $"{path}.maxLength", "must be a positive number of characters"));
        }

        if (text is null)
        {
            return null;
        }

        var template = TicketTemplate.Parse(text, $"{path}.template", source, problems);
        return template is null || type is null || maxLength is <= 0 ? null : new FieldMapping(name, template, null, type.Value, maxLength);
    }

    // The standard incident choice columns take an option's value or its label ("High"); other numeric columns a number.
    private static FieldType TemplateType(string name)
        => ChoiceAttributes.Contains(name) ? FieldType.Choice : NumericAttributes.Contains(name) ? FieldType.Integer : FieldType.String;

    [GeneratedRegex(@"^[a-z_][a-z0-9_]*(@odata\.bind)?$")]
    private static partial Regex AttributeName();

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,49}$")]
    private static partial Regex PhoneColumnName();

    [GeneratedRegex(@"^_([a-z0-9_]+)_value$")]
    private static partial Regex LookupValue();
}

/// <summary>Where a configuration lives: for messages, relative template files and the default templates.</summary>
/// <param name="Source">The configuration file (or its name) for messages.</param>
/// <param name="BaseDirectory">Relative <c>titleFile</c>/<c>descriptionFile</c> resolve against this folder.</param>
/// <param name="PluginDirectory">The plugin folder, whose <c>templates/</c> holds the defaults.</param>
internal sealed record ConfigurationPlace(string Source, string BaseDirectory, string PluginDirectory);
