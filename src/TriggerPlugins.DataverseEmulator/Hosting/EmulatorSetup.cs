using System.Text.RegularExpressions;
using TriggerPlugins.DataverseEmulator.Data;
using TriggerPlugins.DataverseEmulator.Identity;
using TriggerPlugins.DataverseEmulator.WebApi;

namespace TriggerPlugins.DataverseEmulator.Hosting;

/// <summary>What a seed turns into: the directory, the schemas with custom attributes and the filled store.</summary>
internal sealed record EmulatorState(AadDirectory Directory, EmulatorStore Store, SeedTenant OrganizationTenant);

/// <summary>Checks a seed and builds the emulator's state from it; every problem names its place in the seed.</summary>
internal static partial class EmulatorSetup
{
    // Binds between seeded records are relative (/contacts(...)); this root only parses absolute ones.
    private static readonly Uri SeedRoot = new("https://127.0.0.1/api/data/v9.2/");
    private static readonly string[] SeedOrder = ["systemusers", "contacts", "incidents", "phonecalls"];

    public static EmulatorState Build(EmulatorSeed seed, string source, TimeProvider clock, TicketNumberGenerator tickets)
    {
        var problems = new List<string>();
        CheckTenants(seed, problems);
        var custom = CustomAttributes(seed, problems);
        Throw(problems, source);

        var directory = new AadDirectory(seed.Tenants);
        var organization = seed.OrganizationTenant is null
            ? seed.Tenants[0]
            : directory.FindTenant(seed.OrganizationTenant)
                ?? throw new EmulatorSeedException($"The emulator seed ({source}) is not valid: organizationTenant '{seed.OrganizationTenant}' is neither the id nor a domain of a tenant in 'tenants'.");

        var store = new EmulatorStore(EntitySchemaCatalog.Create(custom));
        var factory = new RecordFactory(store.Schemas, SeedRoot, clock, tickets);
        foreach (var set in seed.Records.Keys.Where(k => !SeedOrder.Contains(k, StringComparer.Ordinal)))
        {
            problems.Add($"records.{set}: unknown entity set; the emulator serves {string.Join(", ", SeedOrder)}.");
        }

        foreach (var set in SeedOrder.Where(seed.Records.ContainsKey))
        {
            var schema = store.Schemas.Find(set)!;
            for (var i = 0; i < seed.Records[set].Count; i++)
            {
                try
                {
                    store.Write(transaction => factory.Create(transaction, schema, seed.Records[set][i], owner: null));
                }
                catch (DataverseException error)
                {
                    problems.Add($"records.{set}[{i}]: {error.Message}");
                }
            }
        }

        Throw(problems, source);
        return new EmulatorState(directory, store, organization);
    }

    private static void CheckTenants(EmulatorSeed seed, List<string> problems)
    {
        if (seed.Tenants.Count == 0)
        {
            problems.Add("tenants: the seed has no tenant; add at least one with a tenantId.");
        }

        var tenantIds = new HashSet<Guid>();
        for (var t = 0; t < seed.Tenants.Count; t++)
        {
            var tenant = seed.Tenants[t];
            var at = $"tenants[{t}]";
            if (tenant.TenantId == Guid.Empty || !tenantIds.Add(tenant.TenantId))
            {
                problems.Add($"{at}.tenantId: missing, empty or used twice.");
            }

            var clientIds = new HashSet<Guid>();
            for (var a = 0; a < tenant.Applications.Count; a++)
            {
                if (tenant.Applications[a].ClientId == Guid.Empty || !clientIds.Add(tenant.Applications[a].ClientId))
                {
                    problems.Add($"{at}.applications[{a}].clientId: missing, empty or used twice in the tenant.");
                }
            }

            var usernames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var u = 0; u < tenant.Users.Count; u++)
            {
                var user = tenant.Users[u];
                if (!user.Username.Contains('@', StringComparison.Ordinal) || !usernames.Add(user.Username))
                {
                    problems.Add($"{at}.users[{u}].username: '{user.Username}' is not a user principal name (name@domain) or is used twice.");
                }

                if (user.Password.Length == 0)
                {
                    problems.Add($"{at}.users[{u}].password: empty.");
                }
            }
        }
    }

    private static Dictionary<string, IReadOnlyList<AttributeDefinition>> CustomAttributes(EmulatorSeed seed, List<string> problems)
    {
        var result = new Dictionary<string, IReadOnlyList<AttributeDefinition>>(StringComparer.Ordinal);
        var builtIn = EntitySchemaCatalog.Create(new Dictionary<string, IReadOnlyList<AttributeDefinition>>());
        foreach (var (set, attributes) in seed.CustomAttributes)
        {
            if (builtIn.Find(set) is not { } schema)
            {
                problems.Add($"customAttributes.{set}: unknown entity set.");
                continue;
            }

            var definitions = new List<AttributeDefinition>();
            for (var i = 0; i < attributes.Count; i++)
            {
                var custom = attributes[i];
                var at = $"customAttributes.{set}[{i}]";
                if (!CustomName().IsMatch(custom.Name) || schema.FindAttribute(custom.Name) is not null || definitions.Exists(d => d.Name == custom.Name))
                {
                    problems.Add($"{at}.name: '{custom.Name}' must be a new lower-case name with a publisher prefix, e.g. new_callid.");
                    continue;
                }

                AttributeDefinition? definition = custom.Type switch
                {
                    "string" => new(custom.Name, AttributeKind.String, custom.MaxLength ?? 100),
                    "memo" => new(custom.Name, AttributeKind.Memo, custom.MaxLength ?? 2000),
                    "integer" => new(custom.Name, AttributeKind.Integer),
                    "boolean" => new(custom.Name, AttributeKind.Boolean),
                    "datetime" => new(custom.Name, AttributeKind.DateTime),
                    _ => null,
                };
                if (definition is null)
                {
                    problems.Add($"{at}.type: '{custom.Type}' is not one of string, memo, integer, boolean, datetime.");
                }
                else if (definition.IsText && definition.MaxLength is < 1 or > 1_048_576)
                {
                    problems.Add($"{at}.maxLength: {definition.MaxLength} is outside 1..1048576.");
                }
                else
                {
                    definitions.Add(definition with { IsCustom = true });
                }
            }

            result[set] = definitions;
        }

        return result;
    }

    private static void Throw(List<string> problems, string source)
    {
        if (problems.Count > 0)
        {
            throw new EmulatorSeedException($"The emulator seed ({source}) is not valid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*_[a-z0-9_]+$")]
    private static partial Regex CustomName();
}
