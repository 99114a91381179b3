using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Dynamics365.Dataverse;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// Finds the Dynamics 365 user (<c>systemuser</c>) whose <c>internalemailaddress</c> is the agent's
/// email. Answers are cached by lower-cased email (10 minutes; "no such user" for 1 minute, so a fix in
/// Dynamics is seen soon), and one lookup per email runs at a time.
/// </summary>
internal sealed class UserDirectory(DataverseClient client, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan FoundLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MissingLifetime = TimeSpan.FromMinutes(1);

    private readonly TtlCache<Guid?> _cache = new(capacity: 5_000, time);
    private readonly KeyedLocks _locks = new();

    /// <summary>The user's id, or null when no user has that email.</summary>
    public async Task<Guid?> FindAsync(string email, CancellationToken cancellationToken)
    {
        var key = email.Trim().ToLowerInvariant();
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

            var query = ODataQuery.Build("systemuserid,fullname", $"internalemailaddress eq {ODataQuery.Literal(key)}", top: 2);
            var body = await client.SendForSuccessAsync(
                new DataverseRequest(HttpMethod.Get, "systemusers" + query, "find the agent's Dynamics 365 user"), cancellationToken);
            var ids = Ids(body, "systemuserid");
            if (ids.Count > 1 && logger.IsEnabled(LogLevel.Warning))
            {
                logger.LogWarning("Several Dynamics 365 users have the agent's email; the ticket goes to {SystemUserId}, the lowest id", ids[0]);
            }

            Guid? found = ids.Count > 0 ? ids[0] : null;
            _cache.Set(key, found, found is null ? MissingLifetime : FoundLifetime);
            return found;
        }
    }

    /// <summary>The ids in an OData collection answer, sorted so a choice among several is deterministic.</summary>
    internal static List<Guid> Ids(JsonNode? body, string idAttribute)
        => [.. Records(body).Select(r => Id(r, idAttribute)).OfType<Guid>().Order()];

    internal static IEnumerable<JsonObject> Records(JsonNode? body)
        => (body?["value"] as JsonArray)?.OfType<JsonObject>() ?? [];

    internal static Guid? Id(JsonNode? record, string attribute)
        => record?[attribute] is JsonValue value && value.TryGetValue<string>(out var text) && Guid.TryParse(text, out var id) ? id : null;
}
