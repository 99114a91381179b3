using System.Globalization;
using Microsoft.AspNetCore.Http;
using TriggerPlugins.DataverseEmulator.Data;
using TriggerPlugins.DataverseEmulator.Filtering;

namespace TriggerPlugins.DataverseEmulator.WebApi;

/// <summary>The OData system query options of a request: <c>$select</c>, <c>$filter</c>, <c>$top</c>.</summary>
internal sealed record QueryOptions(IReadOnlyList<AttributeDefinition>? Select, FilterExpression? Filter, int? Top)
{
    private static readonly HashSet<string> Supported = ["$select", "$filter", "$top"];

    // Options Dataverse supports that the emulator does not: say so instead of pretending they are unknown.
    private static readonly HashSet<string> NotEmulated =
        ["$expand", "$orderby", "$count", "$skip", "$skiptoken", "$apply", "$search", "$format", "$levels", "$compute"];

    /// <summary>Parses the query; <paramref name="allowed"/> lists the options valid for this kind of request.</summary>
    public static QueryOptions Parse(IQueryCollection query, EntitySchema schema, IReadOnlySet<string> allowed)
    {
        foreach (var (key, values) in query)
        {
            if (!key.StartsWith('$'))
            {
                throw DataverseErrors.BadRequest($"The query parameter '{key}' is not supported.");
            }

            if (NotEmulated.Contains(key))
            {
                throw DataverseErrors.BadRequest($"The emulator does not support the query option '{key}'; it supports {string.Join(", ", Supported)}.");
            }

            if (!Supported.Contains(key))
            {
                throw DataverseErrors.BadRequest($"The query parameter '{key}' is not supported.");
            }

            if (!allowed.Contains(key))
            {
                throw DataverseErrors.BadRequest($"The query option '{key}' is not allowed on this request.");
            }

            if (values.Count > 1)
            {
                throw DataverseErrors.BadRequest($"Query option '{key}' was specified more than once, but it must be specified at most once.");
            }
        }

        return new QueryOptions(
            query.TryGetValue("$select", out var select) ? ParseSelect(select.ToString(), schema) : null,
            query.TryGetValue("$filter", out var filter) ? FilterParser.Parse(filter.ToString(), schema) : null,
            query.TryGetValue("$top", out var top) ? ParseTop(top.ToString()) : null);
    }

    private static List<AttributeDefinition> ParseSelect(string select, EntitySchema schema)
    {
        var names = select.Split(',', StringSplitOptions.TrimEntries);
        if (names.Any(n => n.Length == 0))
        {
            throw DataverseErrors.BadRequest($"Syntax error: empty property name in $select '{select}'.");
        }

        return names.Select(n => schema.FindAttribute(n) ?? throw DataverseErrors.UnknownProperty(n, schema)).Distinct().ToList();
    }

    private static int ParseTop(string top) =>
        int.TryParse(top, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw DataverseErrors.BadRequest($"Invalid value '{top}' for $top query option found. The $top query option requires a non-negative integer value.");
}
