using System.Text.Json.Nodes;

namespace TriggerPlugins.DataverseEmulator;

/// <summary>
/// What the emulator starts with: the Azure AD tenants (app registrations, users) and the Dataverse records.
/// The JSON file format is this model in camelCase; see the emulator's README.
/// </summary>
public sealed class EmulatorSeed
{
    /// <summary>The tenant (id or domain) that owns the Dataverse organization; defaults to the first tenant.</summary>
    public string? OrganizationTenant { get; set; }

    /// <summary>Azure AD tenants served by the token endpoint.</summary>
    public IList<SeedTenant> Tenants { get; init; } = [];

    /// <summary>Records by entity set name (<c>systemusers</c>, <c>contacts</c>, <c>incidents</c>, <c>phonecalls</c>), validated like a create.</summary>
    public IDictionary<string, IList<JsonObject>> Records { get; init; } = new Dictionary<string, IList<JsonObject>>(StringComparer.Ordinal);

    /// <summary>Custom (publisher-prefixed) attributes added to an entity set's schema, by entity set name.</summary>
    public IDictionary<string, IList<SeedCustomColumn>> CustomAttributes { get; init; } = new Dictionary<string, IList<SeedCustomColumn>>(StringComparer.Ordinal);

    /// <summary>Reads a seed JSON file.</summary>
    /// <exception cref="EmulatorSeedException">The file cannot be read or is not valid seed JSON; the message gives line and column.</exception>
    public static EmulatorSeed LoadFile(string path) => SeedLoader.LoadFile(path);

    /// <summary>The demo tenant shipped with the emulator (the same content as <c>samples/emulator/seed.json</c>).</summary>
    public static EmulatorSeed Demo() => SeedLoader.LoadDemo();
}

/// <summary>An Azure AD tenant.</summary>
public sealed class SeedTenant
{
    /// <summary>Directory (tenant) id.</summary>
    public Guid TenantId { get; set; }

    /// <summary>Verified domains, also accepted in place of the tenant id in an authority.</summary>
    public IList<string> Domains { get; init; } = [];

    /// <summary>App registrations.</summary>
    public IList<SeedApplication> Applications { get; init; } = [];

    /// <summary>Users that may sign in with the username/password grant.</summary>
    public IList<SeedUser> Users { get; init; } = [];
}

/// <summary>An app registration. Its Dataverse application user is the systemuser whose <c>applicationid</c> equals <see cref="ClientId"/>.</summary>
public sealed class SeedApplication
{
    /// <summary>Application (client) id.</summary>
    public Guid ClientId { get; set; }

    /// <summary>Display name, used in Azure AD messages.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>The client secret value; null for an app without secrets.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>When true the secret is recognised but expired (AADSTS7000222).</summary>
    public bool SecretExpired { get; set; }

    /// <summary>When false the username/password grant fails with AADSTS65001 (no consent to access Dataverse).</summary>
    public bool ConsentGranted { get; set; } = true;

    /// <summary>When true the username/password grant is allowed without a client secret ("Allow public client flows").</summary>
    public bool AllowPublicClientFlows { get; set; }
}

/// <summary>A user. Its Dataverse systemuser is the one whose <c>domainname</c> equals <see cref="Username"/>.</summary>
public sealed class SeedUser
{
    /// <summary>User principal name, e.g. <c>motion@contoso.onmicrosoft.com</c>.</summary>
    public string Username { get; set; } = "";

    /// <summary>The password.</summary>
    public string Password { get; set; } = "";

    /// <summary>Display name, put in the id token.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Azure AD object id; derived from the user name when omitted.</summary>
    public Guid? ObjectId { get; set; }

    /// <summary>When true a correct password still fails with AADSTS50076 (multi-factor authentication required).</summary>
    public bool MfaRequired { get; set; }
}

/// <summary>A custom attribute allowed on an entity set, e.g. <c>{ "name": "new_callid", "type": "string", "maxLength": 100 }</c>.</summary>
public sealed class SeedCustomColumn
{
    /// <summary>Logical name with a publisher prefix (<c>new_callid</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary><c>string</c> (default), <c>memo</c>, <c>integer</c>, <c>boolean</c> or <c>datetime</c>.</summary>
    public string Type { get; set; } = "string";

    /// <summary>Maximum length of a string or memo (defaults: 100 and 2000).</summary>
    public int? MaxLength { get; set; }
}
