using System.Text.Json;
using System.Text.Json.Nodes;
using TriggerPlugins.Dynamics365.Settings;
using TriggerPlugins.Dynamics365.Templates;

namespace TriggerPlugins.Dynamics365.Metadata;

/// <summary>
/// <c>triggers check</c>: the configuration's ticket columns against the tenant's incident definitions. Each problem
/// names the field and says what to change: a column that does not exist, that a create cannot set, of another type,
/// or a value that is not one of a choice column's options.
/// </summary>
internal static class MappingCheck
{
    private static readonly HashSet<string> Numeric = ["Integer", "BigInt", "Decimal", "Double", "Money", "Picklist", "State", "Status"];

    public static List<string> Check(TicketConfiguration configuration, IncidentColumns columns, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var standard in new[] { "title", "description" })
        {
            if (columns.Find(standard) is null)
            {
                problems.Add($"{standard}: the incident table has no column '{standard}'; is this a Dynamics 365 Customer Service environment?");
            }
        }

        foreach (var mapping in configuration.Fields.Where(m => !m.Name.Contains('@', StringComparison.Ordinal)))
        {
            var field = $"fields.{mapping.Name}";
            if (columns.Find(mapping.Name) is not { } column)
            {
                problems.Add($"{field}: the incident table has no column '{mapping.Name}'; create it in the environment (Power Apps, Tables, Case, Columns) or remove the mapping.");
                continue;
            }

            if (!column.ValidForCreate)
            {
                problems.Add($"{field}: column '{mapping.Name}' cannot be set when a ticket is created (IsValidForCreate is false); remove the mapping.");
                continue;
            }

            if (TypeProblem(mapping, column) is { } typeProblem)
            {
                problems.Add($"{field}: {typeProblem}");
                continue;
            }

            if (column.IsChoice && SampleValue(mapping, configuration, cancellationToken) is { } value && column.FindOption(value) is null)
            {
                // State and Status options come from other casts (StateAttributeMetadata, StatusAttributeMetadata): not read.
                if (column.Type != "Picklist")
                {
                    if (!int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
                    {
                        problems.Add($"{mapping.Name}: map '{value}' by its value (a whole number); labels are resolved for Picklist columns only.");
                    }

                    continue;
                }

                var what = mapping.Template is null || mapping.Template.IsLiteral ? $"'{value}'" : $"'{value}' (rendered for a sample call)";
                problems.Add($"{mapping.Name}: {what} is not an option; options: {column.DescribeOptions()}");
            }
        }

        return problems;
    }

    private static string? TypeProblem(FieldMapping mapping, ColumnDefinition column)
    {
        if (mapping.Constant is { } constant)
        {
            var kind = constant.GetValueKind();
            var fits = kind switch
            {
                JsonValueKind.Number => Numeric.Contains(column.Type),
                JsonValueKind.True or JsonValueKind.False => column.Type == "Boolean",
                _ => true,
            };
            return fits ? null : $"column '{mapping.Name}' is {column.Type}; the constant {constant.ToJsonString()} is not of that type.";
        }

        var ok = mapping.Type switch
        {
            FieldType.String => column.Type is "String" or "Memo",
            FieldType.Integer => column.Type is "Integer" or "BigInt" || column.IsChoice,
            FieldType.Choice => column.IsChoice,
            FieldType.Decimal => column.Type is "Decimal" or "Double" or "Money" or "Integer" or "BigInt",
            FieldType.Boolean => column.Type == "Boolean",
            _ => false,
        };
        return ok ? null
            : column.IsChoice ? $"column '{mapping.Name}' is a choice ({column.Type}); map it as {{ \"template\": \"...\", \"type\": \"choice\" }} (an option's value or label)."
            : $"column '{mapping.Name}' is {column.Type}, but the mapping sends {mapping.Type.ToString().ToLowerInvariant()}; map a value of the column's type.";
    }

    private static string? SampleValue(FieldMapping mapping, TicketConfiguration configuration, CancellationToken cancellationToken)
    {
        if (mapping.Template is null)
        {
            return mapping.Constant is JsonValue value ? value.ToJsonString().Trim('"') : null;
        }

        try
        {
            var text = mapping.Template.Render(SampleCall.Complete, configuration.Options, cancellationToken).Trim();
            return text.Length == 0 ? null : text;
        }
        catch (TemplateRenderException)
        {
            return null; // validate reports templates that fail
        }
    }
}
