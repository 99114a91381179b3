using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator.Data;

namespace TriggerPlugins.DataverseEmulator.Filtering;

/// <summary>A parsed <c>$filter</c>: a tree of comparisons joined by <c>and</c> / <c>or</c>.</summary>
internal abstract record FilterExpression
{
    public abstract bool Matches(JsonObject record);
}

internal sealed record AndExpression(FilterExpression Left, FilterExpression Right) : FilterExpression
{
    public override bool Matches(JsonObject record) => Left.Matches(record) && Right.Matches(record);
}

internal sealed record OrExpression(FilterExpression Left, FilterExpression Right) : FilterExpression
{
    public override bool Matches(JsonObject record) => Left.Matches(record) || Right.Matches(record);
}

internal enum ComparisonOperator
{
    Equal,
    NotEqual,
}

/// <summary><c>attribute eq literal</c> or <c>attribute ne literal</c>, already type-checked against the attribute.</summary>
internal sealed record ComparisonExpression(AttributeDefinition Attribute, ComparisonOperator Operator, FilterLiteral Literal) : FilterExpression
{
    public override bool Matches(JsonObject record)
    {
        var stored = record[Attribute.Name];
        bool equal;
        if (Literal.Value is null || stored is null || stored.GetValueKind() == JsonValueKind.Null)
        {
            // SQL semantics: null equals only null, and 'ne' never matches a null column.
            var storedIsNull = stored is null || stored.GetValueKind() == JsonValueKind.Null;
            if (Literal.Value is not null && Operator == ComparisonOperator.NotEqual)
            {
                return !storedIsNull;
            }

            equal = storedIsNull && Literal.Value is null;
        }
        else
        {
            equal = Literal.Value switch
            {
                // SQL Server's default collation compares case-insensitively.
                string text => string.Equals(stored.GetValue<string>(), text, StringComparison.OrdinalIgnoreCase),
                Guid id => Guid.TryParse(stored.GetValue<string>(), out var storedId) && storedId == id,
                decimal number => stored.GetValue<decimal>() == number,
                bool flag => stored.GetValueKind() == (flag ? JsonValueKind.True : JsonValueKind.False),
                DateTimeOffset instant => DateTimeOffset.TryParse(stored.GetValue<string>(), CultureInfo.InvariantCulture, out var storedInstant) && storedInstant == instant,
                _ => false,
            };
        }

        return Operator == ComparisonOperator.Equal ? equal : !equal;
    }
}

/// <summary>A literal: string, Guid, decimal, bool, DateTimeOffset, or null.</summary>
internal sealed record FilterLiteral(object? Value, string EdmType, string Text);
