using System.Text.Json.Nodes;

namespace TriggerPlugins.DataverseEmulator.Data;

/// <summary>The metadata of one table: its columns, navigation properties and what happens on create.</summary>
internal sealed class EntitySchema
{
    private readonly Dictionary<string, AttributeDefinition> _attributes;
    private readonly Dictionary<string, NavigationProperty> _navigation;

    public EntitySchema(
        string logicalName,
        string entitySetName,
        string primaryKey,
        IEnumerable<AttributeDefinition> attributes,
        IEnumerable<NavigationProperty> navigation,
        IReadOnlyList<CreateRequirement> requiredOnCreate)
    {
        LogicalName = logicalName;
        EntitySetName = entitySetName;
        PrimaryKey = primaryKey;
        // Dataverse property names are case-sensitive: 'Name' is not 'name'.
        _attributes = attributes.ToDictionary(a => a.Name, StringComparer.Ordinal);
        _navigation = navigation.ToDictionary(n => n.Name, StringComparer.Ordinal);
        RequiredOnCreate = requiredOnCreate;
    }

    public string LogicalName { get; }

    public string EntitySetName { get; }

    public string PrimaryKey { get; }

    /// <summary>The OData type name used in Dataverse messages, e.g. <c>Microsoft.Dynamics.CRM.contact</c>.</summary>
    public string TypeName => $"Microsoft.Dynamics.CRM.{LogicalName}";

    /// <summary>System-required columns: a create without them fails with the given message.</summary>
    public IReadOnlyList<CreateRequirement> RequiredOnCreate { get; }

    public IEnumerable<AttributeDefinition> Attributes => _attributes.Values;

    /// <summary>Runs on every new record before it is stored (computed columns, numbering).</summary>
    public Action<JsonObject, CreateContext>? OnCreate { get; init; }

    /// <summary>Checks an update against the stored record before it is applied (state rules); throws to refuse it.</summary>
    public Action<JsonObject, JsonObject>? OnUpdate { get; init; }

    /// <summary>Collection-valued navigation properties that accept a deep insert.</summary>
    public IReadOnlyList<CollectionNavigation> Collections { get; init; } = [];

    public CollectionNavigation? FindCollection(string name) => Collections.FirstOrDefault(c => c.Name == name);

    public AttributeDefinition? FindAttribute(string name) => _attributes.GetValueOrDefault(name);

    public NavigationProperty? FindNavigation(string name) => _navigation.GetValueOrDefault(name);

    /// <summary>Whether a navigation property sets the lookup attribute (<c>_ownerid_value</c> through <c>ownerid</c>).</summary>
    public bool IsBound(string lookupAttribute) => _navigation.Values.Any(n => n.LookupAttribute == lookupAttribute);

    public EntitySchema WithAttributes(IEnumerable<AttributeDefinition> extra) =>
        new(LogicalName, EntitySetName, PrimaryKey, _attributes.Values.Concat(extra), _navigation.Values, RequiredOnCreate) { OnCreate = OnCreate, OnUpdate = OnUpdate, Collections = Collections };
}

/// <summary>What a create hook may use: the clock and the ticket numbering.</summary>
internal sealed record CreateContext(DateTimeOffset Now, Func<string> NextTicketNumber);

/// <summary>A column Dataverse requires on create (system required), and the message it answers when it is missing.</summary>
internal sealed record CreateRequirement(string Attribute, string Message);
