using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Phones;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// Finds the caller's contact by <c>telephone1</c> in one request, whatever format the number was stored in
/// (<see cref="PhoneNumber.MatchValues"/>; every candidate is re-normalised and compared in E.164), caching ids by
/// normalised number. One directory serves every account of an environment (weburl), so the cache and the per-number
/// lock are the environment's: a number seen for the first time is handled by one call at a time, whichever account
/// it came through; the first looks the contact up and, when there is none, creates it together with its ticket (deep
/// insert); the calls waiting behind it then find the new contact in the cache, so a burst from a new number makes
/// exactly one contact per environment.
/// </summary>
internal sealed class ContactDirectory(TimeProvider time, ILogger logger)
{
    /// <summary>The name of the one contact that calls without a usable number are linked to.</summary>
    public const string UnknownCallerName = "Unknown caller";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    /// <summary>The contact column holding the number.</summary>
    public const string PhoneColumn = "telephone1";

    private readonly TtlCache<Guid> _cache = new(capacity: 10_000, time);
    private readonly KeyedLocks _locks = new();

    /// <summary>
    /// Runs <paramref name="action"/> with the caller's contact (or, when there is none, a request to
    /// create it in the same request); <paramref name="action"/> returns the id of a contact it created.
    /// </summary>
    public async Task<T> WithContactAsync<T>(DataverseClient client, PhoneNumber phone, Func<ContactMatch, Task<(T Result, Guid? CreatedContactId)>> action, CancellationToken cancellationToken)
    {
        var key = CacheKey(phone);
        if (_cache.TryGet(key, out var cached))
        {
            return await WithCachedAsync(key, cached, action);
        }

        using (await _locks.AcquireAsync(key, cancellationToken))
        {
            if (!_cache.TryGet(key, out cached))
            {
                var found = await FindAsync(client, phone, cancellationToken);
                if (found is null)
                {
                    var (result, created) = await action(ContactMatch.New);
                    if (created is { } id)
                    {
                        _cache.Set(key, id, Lifetime);
                    }

                    return result;
                }

                _cache.Set(key, found.Id!.Value, Lifetime);
                return (await action(found)).Result;
            }
        }

        return await WithCachedAsync(key, cached, action);
    }

    private async Task<T> WithCachedAsync<T>(string key, Guid contactId, Func<ContactMatch, Task<(T Result, Guid? CreatedContactId)>> action)
    {
        try
        {
            return (await action(ContactMatch.Existing(contactId))).Result;
        }
        catch (ActionFailure failure) when (failure.Outcome is ActionFailedPermanent)
        {
            // The contact may have been deleted or merged in Dynamics since it was cached: look it up again next time
            // (not on throttling or outages, where a lookup would only add load).
            _cache.Remove(key);
            throw;
        }
    }

    /// <summary>The lookup request for a number (also shown by previews).</summary>
    public static string FindQuery(PhoneNumber phone)
        => "contacts" + ODataQuery.Build("contactid,fullname," + PhoneColumn, Filter(phone), top: 5);

    private static string Filter(PhoneNumber phone)
        => phone.IsAnonymous
            ? $"lastname eq {ODataQuery.Literal(UnknownCallerName)}"
            : ODataQuery.AnyEquals(PhoneColumn, phone.MatchValues);

    private static string CacheKey(PhoneNumber phone) => phone.IsAnonymous ? "(unknown caller)" : phone.Canonical;

    private async Task<ContactMatch?> FindAsync(DataverseClient client, PhoneNumber phone, CancellationToken cancellationToken)
    {
        var body = await client.SendForSuccessAsync(
            new DataverseRequest(HttpMethod.Get, FindQuery(phone), "find the caller's contact"), cancellationToken);
        // Dataverse compares text: a candidate is kept only when its number, re-read, is the caller's (never a false match).
        var records = UserDirectory.Records(body).Where(r => phone.IsAnonymous || phone.IsSameNumber(Text(r, PhoneColumn))).ToList();
        if (records.Count == 0)
        {
            return null;
        }

        // Several contacts share the number: prefer one stored in E.164, then the lowest id, so every call picks the same.
        var chosen = records
            .Select(r => (Record: r, Id: UserDirectory.Id(r, "contactid")))
            .Where(r => r.Id is not null)
            .OrderBy(r => phone.E164 is not null && Text(r.Record, PhoneColumn) == phone.E164 ? 0 : 1)
            .ThenBy(r => r.Id)
            .FirstOrDefault();
        if (chosen.Id is not { } id)
        {
            return null;
        }

        string? note = null;
        if (records.Count > 1)
        {
            note = $"{records.Count} contacts have the caller's number; the ticket is linked to '{Text(chosen.Record, "fullname")}' ({id}), chosen by E.164 match, then lowest id.";
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("{Count} contacts share the caller's number; linking contact {ContactId}", records.Count, id);
            }
        }

        return ContactMatch.Existing(id, note);
    }

    private static string? Text(JsonObject record, string attribute)
        => record[attribute] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

/// <summary>The caller's contact: an existing one (with a note when the choice was ambiguous), or none yet.</summary>
internal sealed record ContactMatch(Guid? Id, string? Note)
{
    public static ContactMatch New { get; } = new(null, null);

    public static ContactMatch Existing(Guid id, string? note = null) => new(id, note);
}
