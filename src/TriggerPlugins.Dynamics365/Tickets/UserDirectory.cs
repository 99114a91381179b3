using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Dynamics365.Caching;
using TriggerPlugins.Dynamics365.Dataverse;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// Finds the enabled Dynamics 365 user (<c>systemuser</c>, <c>isdisabled eq false</c>) whose <c>internalemailaddress</c>
/// is the agent's email: a disabled user keeps its email but cannot own records, so it is never chosen. When several
/// enabled users share the email (a user re-created or re-licensed), the one with the lowest id is chosen and the
/// outcome says so. Answers are cached by lower-cased email (10 minutes; "no such user" for 1 minute, so a fix in
/// Dynamics is seen soon), and one lookup per email runs at a time.
/// </summary>
internal sealed class UserDirectory(TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan FoundLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MissingLifetime = TimeSpan.FromMinutes(1);

    /// <summary>How many matches one lookup reads: enough to see and name an ambiguity.</summary>
    private const int Top = 5;

    private readonly TtlCache<AgentUser?> _cache = new(capacity: 5_000, time);
    private readonly KeyedLocks _locks = new();

    /// <summary>The enabled user with the email (and a note when several share it), or null when none has it.</summary>
    public async Task<AgentUser?> FindAsync(DataverseClient client, string email, CancellationToken cancellationToken)
    {
        var key = Key(email);
        if (_cache.TryGet(key, out var cached))
        {
            return cached;
        }

        using (await _locks.AcquireAsync(key, cancellationToken))
        {
            if (_cache.TryGet(key, out cached))
            {
                return cached;
            }

            var body = await client.SendForSuccessAsync(
                new DataverseRequest(HttpMethod.Get, "systemusers" + FindQuery(key), "find the agent's Dynamics 365 user"), cancellationToken);
            var found = Choose(body);
            _cache.Set(key, found, found is null ? MissingLifetime : FoundLifetime);
            if (found?.Note is not null)
            {
                Log.SeveralUsers(logger, found.Id);
            }

            return found;
        }
    }

    /// <summary>Forgets an answer, e.g. after Dataverse refused the user as an owner (disabled since it was cached).</summary>
    public void Forget(string email) => _cache.Remove(Key(email));

    /// <summary>The query: enabled users with the email, lowest ids first.</summary>
    internal static string FindQuery(string email)
        => ODataQuery.Build("systemuserid,fullname", $"internalemailaddress eq {ODataQuery.Literal(Key(email))} and isdisabled eq false", top: Top);

    private static AgentUser? Choose(JsonNode? body)
    {
        var users = ODataJson.Records(body)
            .Select(r => (Id: ODataJson.Id(r, "systemuserid"), Name: ODataJson.Text(r, "fullname")))
            .Where(u => u.Id is not null)
            .OrderBy(u => u.Id)
            .ToList();
        if (users.Count == 0)
        {
            return null;
        }

        var (id, name) = users[0];
        var note = users.Count == 1
            ? null
            : $"{(users.Count == Top ? $"At least {Top}" : users.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} enabled Dynamics 365 users have the agent's email; the ticket is owned by '{name}' ({id:D}), the lowest id. Give the email to one user only to choose the owner.";
        return new AgentUser(id!.Value, name, note);
    }

    private static string Key(string email) => email.Trim().ToLowerInvariant();
}

/// <summary>The agent's Dynamics 365 user, with a note when the choice among several was ambiguous.</summary>
internal sealed record AgentUser(Guid Id, string? Name, string? Note);
