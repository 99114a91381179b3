using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator.WebApi;

namespace TriggerPlugins.DataverseEmulator.Data;

/// <summary>
/// The tables the emulator serves, with the column lengths and option values of a default Dataverse environment.
/// </summary>
internal sealed class EntitySchemaCatalog
{
    // Option values and labels of the incident table reference
    // (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/incident#choicesstates),
    // served by the metadata endpoints as PicklistAttributeMetadata OptionSet options.
    private static readonly Dictionary<int, string> CaseOrigins = new() { [1] = "Phone", [2] = "Email", [3] = "Web", [2483] = "Facebook", [3986] = "Twitter" };
    private static readonly Dictionary<int, string> Priorities = new() { [1] = "High", [2] = "Normal", [3] = "Low" };
    private static readonly Dictionary<int, string> IncidentStates = new() { [0] = "Active", [1] = "Resolved", [2] = "Cancelled" };
    private static readonly Dictionary<int, string> IncidentStatuses = new()
    {
        [1] = "In Progress", [2] = "On Hold", [3] = "Waiting for Details", [4] = "Researching",
        [5] = "Problem Solved", [6] = "Cancelled", [1000] = "Information Provided", [2000] = "Merged",
    };

    // phonecall statecode / statuscode, as the phonecall table reference lists them
    // (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/phonecall#statecode-choicesstates):
    // 0 Open (1 Open), 1 Completed (2 Made, 4 Received), 2 Canceled (3 Canceled).
    private static readonly Dictionary<int, int[]> PhoneCallStatuses = new() { [0] = [1], [1] = [2, 4], [2] = [3] };
    private static readonly Dictionary<int, string> PhoneCallStates = new() { [0] = "Open", [1] = "Completed", [2] = "Canceled" };
    private static readonly Dictionary<int, string> PhoneCallStatusLabels = new() { [1] = "Open", [2] = "Made", [3] = "Canceled", [4] = "Received" };
    private static readonly Dictionary<int, string> ParticipationTypes = new()
    {
        [1] = "Sender", [2] = "To Recipient", [3] = "CC Recipient", [4] = "BCC Recipient", [5] = "Required attendee", [6] = "Optional attendee",
        [7] = "Organizer", [8] = "Regarding", [9] = "Owner", [10] = "Resource", [11] = "Customer",
    };

    private readonly Dictionary<string, EntitySchema> _bySet;

    private EntitySchemaCatalog(IEnumerable<EntitySchema> schemas)
    {
        _bySet = schemas.ToDictionary(s => s.EntitySetName, StringComparer.Ordinal);
    }

    public IEnumerable<EntitySchema> All => _bySet.Values;

    public EntitySchema? Find(string entitySet) => _bySet.GetValueOrDefault(entitySet);

    /// <summary>The table with that logical name (<c>incident</c>), as <c>EntityDefinitions(LogicalName='incident')</c> names it.</summary>
    public EntitySchema? FindByLogicalName(string logicalName) => _bySet.Values.FirstOrDefault(s => s.LogicalName == logicalName);

    /// <summary>The built-in tables plus the custom attributes a seed allows.</summary>
    public static EntitySchemaCatalog Create(IReadOnlyDictionary<string, IReadOnlyList<AttributeDefinition>> customAttributes)
    {
        var schemas = new[] { Contact(), SystemUser(), Incident(), PhoneCall(), ActivityParty() }
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
            new("telephone2", AttributeKind.String, 50),
            new("telephone3", AttributeKind.String, 50),
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
            AttributeDefinition.Choice("caseorigincode", CaseOrigins),
            AttributeDefinition.Choice("prioritycode", Priorities),
            new("ticketnumber", AttributeKind.String, 100),
            // A case is resolved or cancelled with the CloseIncident action, never by setting statecode.
            AttributeDefinition.Choice("statecode", IncidentStates, validForCreate: false, validForUpdate: false),
            AttributeDefinition.Choice("statuscode", IncidentStatuses),
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
            new("actualdurationminutes", AttributeKind.Integer),
            // Stricter than Dataverse: a phone call is created open and closed with an update (SetState is
            // "PATCH phonecalls(activityid) with statecode and statuscode" in the table reference).
            AttributeDefinition.Choice("statecode", PhoneCallStates, validForCreate: false, validForUpdate: true),
            AttributeDefinition.Choice("statuscode", PhoneCallStatusLabels, validForCreate: false, validForUpdate: true),
            new("_regardingobjectid_value", AttributeKind.Lookup, ValidForCreate: false),
            new("_ownerid_value", AttributeKind.Lookup, ValidForCreate: false),
            .. Common(),
        ],
        [
            // Navigation property names from the phonecall EntityType reference:
            // https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/phonecall
            new("regardingobjectid_incident_phonecall", "incidents", "_regardingobjectid_value"),
            new("regardingobjectid_contact_phonecall", "contacts", "_regardingobjectid_value"),
            new("ownerid", "systemusers", "_ownerid_value"),
        ],
        requiredOnCreate: [])
    {
        OnCreate = (record, _) =>
        {
            record["statecode"] = 0;
            record["statuscode"] = 1;
        },
        OnUpdate = CheckPhoneCallState,
        Collections = [new("phonecall_activity_parties", "activityparties", "_activityid_value")],
    };

    // An activity party: who took part in an activity, and how (participationtypemask 1 = sender, 2 = to recipient).
    // https://learn.microsoft.com/power-apps/developer/data-platform/activityparty-entity
    private static EntitySchema ActivityParty() => new(
        "activityparty",
        "activityparties",
        "activitypartyid",
        [
            new("activitypartyid", AttributeKind.PrimaryKey),
            AttributeDefinition.Choice("participationtypemask", ParticipationTypes),
            new("_partyid_value", AttributeKind.Lookup, ValidForCreate: false),
            new("_activityid_value", AttributeKind.Lookup, ValidForCreate: false),
            .. Common(),
        ],
        [
            new("partyid_contact", "contacts", "_partyid_value"),
            new("partyid_systemuser", "systemusers", "_partyid_value"),
        ],
        requiredOnCreate:
        [
            new("participationtypemask", "An activity party needs a participationtypemask (1 = sender, 2 = to recipient, ...)."),
            new("_partyid_value", "An activity party needs a party: set partyid_contact@odata.bind or partyid_systemuser@odata.bind."),
            new("_activityid_value", "An activity party is created with its activity, through the activity's <activity>_activity_parties collection."),
        ]);

    /// <summary>
    /// State rules of an activity: statecode and statuscode change together, to a status of that state; a completed or
    /// canceled phone call is read-only until it is reopened (statecode 0) in an update of its own.
    /// </summary>
    private static void CheckPhoneCallState(JsonObject stored, JsonObject changes)
    {
        var storedState = Number(stored["statecode"]) ?? 0;
        var hasState = changes.ContainsKey("statecode");
        if (hasState != changes.ContainsKey("statuscode"))
        {
            throw DataverseErrors.InvalidArgument("Set statecode and statuscode together to change a phone call's state (for example statecode 1 with statuscode 2 = Made).");
        }

        if (hasState)
        {
            var state = Number(changes["statecode"]) ?? -1;
            var status = Number(changes["statuscode"]) ?? -1;
            if (!PhoneCallStatuses.TryGetValue(state, out var allowed) || !allowed.Contains(status))
            {
                throw DataverseErrors.InvalidArgument($"{status} is not a valid status code for state code PhoneCallState.{state}.");
            }

            if (changes.Count > 2)
            {
                throw DataverseErrors.InvalidArgument("Change a phone call's state in an update of its own, without other columns.");
            }

            return;
        }

        if (storedState != 0)
        {
            throw DataverseErrors.InvalidArgument("This phone call is closed (completed or canceled) and cannot be edited; reopen it first (statecode 0, statuscode 1).");
        }
    }

    // Stored and converted values are JSON numbers of any CLR width.
    private static int? Number(JsonNode? value) => value is null ? null : int.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static string? FullName(JsonObject record)
    {
        var parts = new[] { record["firstname"]?.GetValue<string>(), record["lastname"]?.GetValue<string>() }
            .Where(p => !string.IsNullOrWhiteSpace(p));
        var name = string.Join(' ', parts);
        return name.Length == 0 ? null : name;
    }
}
