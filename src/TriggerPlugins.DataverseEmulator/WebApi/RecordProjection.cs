using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator.Data;

namespace TriggerPlugins.DataverseEmulator.WebApi;

/// <summary>Shapes stored records as the Web API returns them.</summary>
internal static class RecordProjection
{
    /// <summary>
    /// The record with its etag, the primary key (always returned by Dataverse) and the selected columns,
    /// or every column when nothing is selected. Unset columns are null.
    /// </summary>
    public static JsonObject Project(EntitySchema schema, JsonObject record, IReadOnlyList<AttributeDefinition>? select)
    {
        var result = new JsonObject { ["@odata.etag"] = $"W/\"{record["versionnumber"]}\"" };
        var columns = select ?? schema.Attributes.ToList();
        foreach (var column in columns.Where(c => c.Name != schema.PrimaryKey).Prepend(schema.FindAttribute(schema.PrimaryKey)!))
        {
            result[column.Name] = record[column.Name]?.DeepClone();
        }

        return result;
    }

    /// <summary>The <c>@odata.context</c> of a collection or single-record answer.</summary>
    public static string Context(Uri webApiRoot, EntitySchema schema, IReadOnlyList<AttributeDefinition>? select, bool single)
    {
        var columns = select is null ? "" : $"({string.Join(',', select.Select(c => c.Name))})";
        return $"{webApiRoot.AbsoluteUri}$metadata#{schema.EntitySetName}{columns}{(single ? "/$entity" : "")}";
    }
}
