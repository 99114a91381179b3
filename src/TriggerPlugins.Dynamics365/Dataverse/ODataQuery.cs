namespace TriggerPlugins.Dynamics365.Dataverse;

/// <summary>Builds OData query text safely from values that come from calls (numbers, emails).</summary>
internal static class ODataQuery
{
    /// <summary>An OData string literal: quotes doubled (<c>O'Brien</c> → <c>'O''Brien'</c>).</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary><c>attribute eq 'a' or attribute eq 'b'</c>.</summary>
    public static string AnyEquals(string attribute, IEnumerable<string> values)
        => string.Join(" or ", values.Select(v => $"{attribute} eq {Literal(v)}"));

    /// <summary>A query string for <c>$select</c>, <c>$filter</c> and <c>$top</c>, each value URL-escaped.</summary>
    public static string Build(string select, string? filter = null, int? top = null)
    {
        var parts = new List<string> { "$select=" + Uri.EscapeDataString(select) };
        if (filter is not null)
        {
            parts.Add("$filter=" + Uri.EscapeDataString(filter));
        }

        if (top is { } count)
        {
            parts.Add("$top=" + count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return "?" + string.Join("&", parts);
    }
}
