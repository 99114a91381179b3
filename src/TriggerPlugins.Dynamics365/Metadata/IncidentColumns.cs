using System.Globalization;
using System.Text.Json.Nodes;
using TriggerPlugins.Dynamics365.Dataverse;

namespace TriggerPlugins.Dynamics365.Metadata;

/// <summary>One option of a choice column: its value and its label in the user's language.</summary>
internal sealed record ChoiceOption(int Value, string Label);

/// <summary>One column of the incident table, as its definition says.</summary>
/// <param name="Name">Logical name.</param>
/// <param name="Type">AttributeType: String, Memo, Integer, Picklist, State, Status, Boolean, DateTime, Lookup, ...</param>
/// <param name="ValidForCreate">IsValidForCreate: whether a create may set it.</param>
/// <param name="Options">The options of a choice column (Picklist); empty otherwise.</param>
internal sealed record ColumnDefinition(string Name, string Type, bool ValidForCreate, IReadOnlyList<ChoiceOption> Options)
{
    public bool IsChoice => Type is "Picklist" or "State" or "Status";

    /// <summary>The option whose value is <paramref name="text"/> or whose label is (ignoring case), if any.</summary>
    public ChoiceOption? FindOption(string text)
        => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? Options.FirstOrDefault(o => o.Value == value)
            : Options.FirstOrDefault(o => string.Equals(o.Label, text.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The options as a message lists them: <c>1 High, 2 Normal, 3 Low</c>.</summary>
    public string DescribeOptions() => string.Join(", ", Options.Select(o => $"{o.Value} {o.Label}"));
}

/// <summary>
/// The incident table's column definitions, read from the Web API's table definitions in two requests: every column
/// (<c>EntityDefinitions(LogicalName='incident')/Attributes</c>), then the choice columns with their options
/// (the <c>PicklistAttributeMetadata</c> cast with <c>$expand=OptionSet</c>), as "Query table definitions using the
/// Web API" shows (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api).
/// </summary>
internal sealed class IncidentColumns
{
    public const string AttributesQuery = "EntityDefinitions(LogicalName='incident')/Attributes?$select=LogicalName,AttributeType,IsValidForCreate";

    public const string ChoicesQuery = "EntityDefinitions(LogicalName='incident')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)";

    private readonly Dictionary<string, ColumnDefinition> _columns;

    private IncidentColumns(Dictionary<string, ColumnDefinition> columns) => _columns = columns;

    public ColumnDefinition? Find(string name) => _columns.GetValueOrDefault(name);

    /// <summary>Reads the definitions; an error (no permission to read metadata, 429, ...) is an <see cref="ActionFailure"/>.</summary>
    public static async Task<IncidentColumns> LoadAsync(DataverseClient client, CancellationToken cancellationToken)
    {
        var attributes = await client.SendForSuccessAsync(new DataverseRequest(HttpMethod.Get, AttributesQuery, "read the incident column definitions"), cancellationToken);
        var options = await LoadChoicesAsync(client, cancellationToken);
        var columns = new Dictionary<string, ColumnDefinition>(StringComparer.Ordinal);
        foreach (var item in Items(attributes))
        {
            var name = Name(item);
            columns[name] = new ColumnDefinition(
                name,
                item["AttributeType"]?.GetValue<string>() ?? "",
                item["IsValidForCreate"]?.GetValue<bool>() ?? false,
                options.TryGetValue(name, out var own) ? own : []);
        }

        return new IncidentColumns(columns);
    }

    /// <summary>The options of every choice (Picklist) column of the incident table, in one request.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<ChoiceOption>>> LoadChoicesAsync(DataverseClient client, CancellationToken cancellationToken)
    {
        var choices = await client.SendForSuccessAsync(new DataverseRequest(HttpMethod.Get, ChoicesQuery, "read the incident choice columns' options"), cancellationToken);
        var options = new Dictionary<string, IReadOnlyList<ChoiceOption>>(StringComparer.Ordinal);
        foreach (var item in Items(choices))
        {
            var list = new List<ChoiceOption>();
            foreach (var option in item["OptionSet"]?["Options"] as JsonArray ?? [])
            {
                if (option?["Value"] is JsonValue value && value.TryGetValue<int>(out var number))
                {
                    var label = option["Label"]?["UserLocalizedLabel"]?["Label"]?.GetValue<string>() ?? number.ToString(CultureInfo.InvariantCulture);
                    list.Add(new ChoiceOption(number, label));
                }
            }

            options[Name(item)] = list;
        }

        return options;
    }

    private static IEnumerable<JsonObject> Items(JsonNode? reply) => (reply?["value"] as JsonArray ?? []).OfType<JsonObject>();

    private static string Name(JsonObject item) => item["LogicalName"]?.GetValue<string>() ?? "";
}
