using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using TriggerPlugins.DataverseEmulator.Data;

namespace TriggerPlugins.DataverseEmulator.WebApi;

/// <summary>
/// The column definitions of the emulator's tables, as the Web API serves table definitions:
/// <c>EntityDefinitions(LogicalName='incident')/Attributes</c> (every column, as AttributeMetadata) and
/// <c>EntityDefinitions(LogicalName='incident')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$expand=OptionSet</c>
/// (the choice columns with their options and labels). Pages followed:
/// "Query table definitions using the Web API" (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api)
/// and "Retrieve table definitions by name or MetadataId"
/// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/retrieve-metadata-name-metadataid).
/// Stricter than Dataverse: only <c>$select</c> of the properties listed here and <c>$expand=OptionSet</c> (on the
/// picklist cast) are accepted; any other option or path is refused.
/// </summary>
internal static partial class MetadataEndpoint
{
    public const string EntityDefinitions = "EntityDefinitions";

    private const string PicklistCast = "Microsoft.Dynamics.CRM.PicklistAttributeMetadata";

    private static readonly HashSet<string> Selectable =
        ["MetadataId", "LogicalName", "AttributeType", "IsValidForCreate", "IsValidForUpdate", "IsValidForRead", "IsCustomAttribute", "MaxLength", "OptionSet"];

    public static JsonObject Attributes(EntitySchemaCatalog schemas, string resource, IQueryCollection query, Uri webApiRoot)
    {
        var match = AttributesPath().Match(resource);
        if (!match.Success)
        {
            throw DataverseErrors.BadRequest(
                $"The emulator serves table definitions only as EntityDefinitions(LogicalName='<table>')/Attributes[/{PicklistCast}]; '{resource}' is not one of them.");
        }

        var logicalName = match.Groups["table"].Value;
        var schema = schemas.FindByLogicalName(logicalName)
            ?? throw new DataverseException(StatusCodes.Status404NotFound, "0x80060888", $"Could not find an entity with the logical name '{logicalName}'.");
        var picklistsOnly = match.Groups["cast"].Success;
        var (select, expandOptions) = ParseQuery(query, picklistsOnly);

        var value = new JsonArray();
        foreach (var attribute in Columns(schema).Where(c => !picklistsOnly || c.Type == "Picklist"))
        {
            var item = Describe(schema, attribute, expandOptions);
            if (select is not null)
            {
                foreach (var name in item.Select(p => p.Key).Where(k => !k.StartsWith('@') && !select.Contains(k) && k != "OptionSet" && k != "MetadataId").ToList())
                {
                    item.Remove(name);
                }
            }

            value.Add(item);
        }

        return new JsonObject
        {
            ["@odata.context"] = $"{webApiRoot.AbsoluteUri}$metadata#EntityDefinitions('{logicalName}')/Attributes{(picklistsOnly ? "/" + PicklistCast : "")}",
            ["value"] = value,
        };
    }

    /// <summary>Every column as the metadata names it: a lookup is its logical name (<c>ownerid</c>), not the <c>_ownerid_value</c> property.</summary>
    private static IEnumerable<Column> Columns(EntitySchema schema)
    {
        foreach (var attribute in schema.Attributes.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            if (attribute.Kind == AttributeKind.Lookup)
            {
                var name = attribute.Name.TrimStart('_')[..^"_value".Length];
                // A lookup is set through a navigation property bound to it (customerid_contact@odata.bind sets customerid).
                var settable = schema.IsBound(attribute.Name);
                var type = name switch { "ownerid" => "Owner", "customerid" => "Customer", _ => "Lookup" };
                yield return new Column(name, type, attribute with { ValidForCreate = settable, ValidForUpdate = settable });
                continue;
            }

            var attributeType = attribute.Kind switch
            {
                AttributeKind.PrimaryKey or AttributeKind.Guid => "Uniqueidentifier",
                AttributeKind.String => "String",
                AttributeKind.Memo => "Memo",
                AttributeKind.Integer => "Integer",
                AttributeKind.Picklist when attribute.Name == "statecode" => "State",
                AttributeKind.Picklist when attribute.Name == "statuscode" => "Status",
                AttributeKind.Picklist => "Picklist",
                AttributeKind.Boolean => "Boolean",
                AttributeKind.DateTime => "DateTime",
                AttributeKind.BigInt => "BigInt",
                _ => "Virtual",
            };
            yield return new Column(attribute.Name, attributeType, attribute);
        }
    }

    private static JsonObject Describe(EntitySchema schema, Column column, bool expandOptions)
    {
        var attribute = column.Definition;
        var item = new JsonObject
        {
            ["@odata.type"] = $"#Microsoft.Dynamics.CRM.{column.Type switch { "Uniqueidentifier" => "", "Owner" or "Customer" => "Lookup", _ => column.Type }}AttributeMetadata",
            ["MetadataId"] = StableId($"{schema.LogicalName}.{column.Name}").ToString("D"),
            ["LogicalName"] = column.Name,
            ["AttributeType"] = column.Type,
            ["IsValidForCreate"] = attribute.ValidForCreate,
            ["IsValidForUpdate"] = attribute.IsValidForUpdate,
            ["IsValidForRead"] = true,
            ["IsCustomAttribute"] = attribute.IsCustom,
        };
        if (attribute.IsText)
        {
            item["MaxLength"] = attribute.MaxLength;
        }

        if (expandOptions && attribute.Labels is { } labels)
        {
            item["OptionSet"] = new JsonObject
            {
                ["MetadataId"] = StableId($"{schema.LogicalName}.{column.Name}.options").ToString("D"),
                ["Options"] = new JsonArray([.. labels.OrderBy(l => l.Key).Select(l => (JsonNode)new JsonObject
                {
                    ["Value"] = l.Key,
                    ["Label"] = new JsonObject
                    {
                        ["LocalizedLabels"] = new JsonArray(Label(l.Value)),
                        ["UserLocalizedLabel"] = Label(l.Value),
                    },
                })]),
            };
        }

        return item;
    }

    private static JsonObject Label(string text) => new() { ["Label"] = text, ["LanguageCode"] = 1033 };

    private static (HashSet<string>? Select, bool ExpandOptions) ParseQuery(IQueryCollection query, bool picklistsOnly)
    {
        HashSet<string>? select = null;
        var expand = false;
        foreach (var (key, values) in query)
        {
            var text = values.ToString();
            switch (key)
            {
                case "$select":
                    select = [.. text.Split(',', StringSplitOptions.TrimEntries)];
                    if (select.FirstOrDefault(n => !Selectable.Contains(n) || n == "OptionSet") is { } unknown)
                    {
                        throw DataverseErrors.BadRequest($"Could not find a property named '{unknown}' on type 'Microsoft.Dynamics.CRM.AttributeMetadata'.");
                    }

                    break;
                case "$expand" when picklistsOnly && (text == "OptionSet" || text == "OptionSet($select=Options)"):
                    expand = true;
                    break;
                case "$expand":
                    throw DataverseErrors.BadRequest(picklistsOnly
                        ? $"The emulator expands only OptionSet (or OptionSet($select=Options)) on picklist columns, not '{text}'."
                        : $"Could not find a property named '{text}' on type 'Microsoft.Dynamics.CRM.AttributeMetadata'; cast to {PicklistCast} to expand OptionSet.");
                default:
                    throw DataverseErrors.BadRequest($"The query option '{key}' is not supported on table definitions; use $select (and $expand=OptionSet on {PicklistCast}).");
            }
        }

        return (select, expand);
    }

    private static Guid StableId(string purpose) => new(SHA256.HashData(Encoding.UTF8.GetBytes("metadata:" + purpose)).AsSpan(0, 16));

    [GeneratedRegex(@"^EntityDefinitions\(LogicalName='(?<table>[a-z_0-9]+)'\)/Attributes(?<cast>/Microsoft\.Dynamics\.CRM\.PicklistAttributeMetadata)?$", RegexOptions.CultureInvariant)]
    private static partial Regex AttributesPath();

    private sealed record Column(string Name, string Type, AttributeDefinition Definition);
}
