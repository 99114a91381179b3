using System.Text.Json.Nodes;

namespace TriggerPlugins.DataverseEmulator.Data;

/// <summary>
/// The tables the emulator serves, with the column lengths and option values of a default Dataverse environment.
/// </summary>
internal sealed class EntitySchemaCatalog
{
    private static readonly HashSet<int> CaseOrigins = [1, 2, 3, 2483, 3986];
    private static readonly HashSet<int> Priorities = [1, 2, 3];
    private static readonly HashSet<int> IncidentStates = [0, 1, 2];
    private static readonly HashSet<int> IncidentStatuses = [1, 2, 3, 4, 5, 6, 1000, 2000];

    private readonly Dictionary<string, EntitySchema> _bySet;

    private EntitySchemaCatalog(IEnumerable<EntitySchema> schemas)
    {
        _bySet = schemas.ToDictionary(s => s.EntitySetName, StringComparer.Ordinal);
    }

    public IEnumerable<EntitySchema> All => _bySet.Values;

    public EntitySchema? Find(string entitySet) => _bySet.GetValueOrDefault(entitySet);

    /// <summary>The built-in tables plus the custom attributes a seed allows.</summary>
    public static EntitySchemaCatalog Create(IReadOnlyDictionary<string, IReadOnlyList<AttributeDefinition>> customAttributes)
    {
        var schemas = new[] { Contact(), SystemUser(), Incident(), PhoneCall() }
            .Select(s => customAttributes.TryGetValue(s.EntitySetName, out var extra) ? s.WithAttributes(extra) : s);
        return new EntitySchemaCatalog(schemas);
    }

    private static IEnumerable<AttributeDefinition> Common() =>
    [
        new("createdon", AttributeKind.DateTime, ValidForCreate: false),
        new("versionnumber", AttributeKind.BigInt, ValidForCreate: false),
    ];

    private static EntitySchema Contact() => new(
        "contact",
        "contacts",
        "contactid",
        [
            new("contactid", AttributeKind.PrimaryKey),
            new("firstname", AttributeKind.String, 50),
            new("lastname", AttributeKind.String, 50),
            new("fullname", AttributeKind.String, 160, ValidForCreate: false),
            new("telephone1", AttributeKind.String, 50),
            new("mobilephone", AttributeKind.String, 50),
            new("emailaddress1", AttributeKind.String, 100),
            new("description", AttributeKind.Memo, 2000),
            new("_ownerid_value", AttributeKind.Lookup, ValidForCreate: false),
            .. Common(),
        ],
        [new("ownerid", "systemusers", "_ownerid_value")],
        requiredOnCreate: [])
    {
        OnCreate = (record, _) => record["fullname"] = FullName(record),
    };

    private static EntitySchema SystemUser() => new(
        "systemuser",
        "systemusers",
        "systemuserid",
        [
            new("systemuserid", AttributeKind.PrimaryKey),
            new("firstname", AttributeKind.String, 256),
            new("lastname", AttributeKind.String, 256),
            new("fullname", AttributeKind.String, 200),
            new("internalemailaddress", AttributeKind.String, 100),
            new("domainname", AttributeKind.String, 1024),
            new("isdisabled", AttributeKind.Boolean),
            new("applicationid", AttributeKind.Guid),
            new("azureactivedirectoryobjectid", AttributeKind.Guid),
            .. Common(),
        ],
        [],
        requiredOnCreate: [])
    {
        OnCreate = (record, _) =>
        {
            record["isdisabled"] ??= false;
            if (record["fullname"] is null && FullName(record) is { } name)
            {
                record["fullname"] = name;
            }
        },
    };

    private static EntitySchema Incident() => new(
        "incident",
        "incidents",
        "incidentid",
        [
            new("incidentid", AttributeKind.PrimaryKey),
            new("title", AttributeKind.String, 200),
            new("description", AttributeKind.Memo, 2000),
            new("caseorigincode", AttributeKind.Picklist, Options: CaseOrigins),
            new("prioritycode", AttributeKind.Picklist, Options: Priorities),
            new("ticketnumber", AttributeKind.String, 100),
            new("statecode", AttributeKind.Picklist, ValidForCreate: false, Options: IncidentStates),
            new("statuscode", AttributeKind.Picklist, Options: IncidentStatuses),
            new("_customerid_value", AttributeKind.Lookup, ValidForCreate: false),
            new("_ownerid_value", AttributeKind.Lookup, ValidForCreate: false),
            .. Common(),
        ],
        [
            new("customerid_contact", "contacts", "_customerid_value"),
            new("ownerid", "systemusers", "_ownerid_value"),
        ],
        requiredOnCreate: [new("_customerid_value", "You should specify a parent contact or account.")])
    {
        OnCreate = (record, context) =>
        {
            record["ticketnumber"] ??= context.NextTicketNumber();
            record["statecode"] = 0;
            record["statuscode"] ??= 1;
            record["prioritycode"] ??= 2;
        },
    };

    private static EntitySchema PhoneCall() => new(
        "phonecall",
        "phonecalls",
        "activityid",
        [
            new("activityid", AttributeKind.PrimaryKey),
            new("subject", AttributeKind.String, 200),
            new("description", AttributeKind.Memo, 2000),
            new("phonenumber", AttributeKind.String, 200),
            new("directioncode", AttributeKind.Boolean),
            new("_regardingobjectid_value", AttributeKind.Lookup, ValidForCreate: false),
            new("_ownerid_value", AttributeKind.Lookup, ValidForCreate: false),
            .. Common(),
        ],
        [
            new("regardingobjectid_incident_phonecall", "incidents", "_regardingobjectid_value"),
            new("regardingobjectid_contact_phonecall", "contacts", "_regardingobjectid_value"),
            new("ownerid", "systemusers", "_ownerid_value"),
        ],
        requiredOnCreate: []);

    private static string? FullName(JsonObject record)
    {
        var parts = new[] { record["firstname"]?.GetValue<string>(), record["lastname"]?.GetValue<string>() }
            .Where(p => !string.IsNullOrWhiteSpace(p));
        var name = string.Join(' ', parts);
        return name.Length == 0 ? null : name;
    }
}
