using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Caching;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Phones;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// Finds the caller's contact by <c>telephone1</c> (or the configuration's <c>phoneColumns</c>) in one request, whatever format the number was stored in
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
    /// The caller's contact, reserved for one write: an existing contact (cached or looked up), or
    /// <see cref="ContactMatch.New"/>, and then the number stays locked, across the environment, until the reservation
    /// is disposed, so the write can create the contact and <see cref="ContactReservation.Created"/> record it before
    /// the next call for the number looks.
    /// </summary>
    public async Task<ContactReservation> ReserveAsync(DataverseClient client, PhoneNumber phone, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        var key = CacheKey(phone, columns);
        if (_cache.TryGet(key, out var cached))
        {
            return new ContactReservation(this, key, ContactMatch.Existing(cached), fromCache: true, held: null);
        }

        var held = await _locks.AcquireAsync(key, cancellationToken);
        try
        {
            if (_cache.TryGet(key, out cached))
            {
                held.Dispose();
                return new ContactReservation(this, key, ContactMatch.Existing(cached), fromCache: true, held: null);
            }

            var found = await FindAsync(client, phone, columns, cancellationToken);
            if (found is not null)
            {
                _cache.Set(key, found.Id!.Value, Lifetime);
            }

            return new ContactReservation(this, key, found ?? ContactMatch.New, fromCache: false, held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    internal void Remember(string key, Guid contactId) => _cache.Set(key, contactId, Lifetime);

    internal void Forget(string key) => _cache.Remove(key);

    /// <summary>The lookup request for a number over the phone columns, one request whatever their number (also shown by previews).</summary>
    public static string FindQuery(PhoneNumber phone, IReadOnlyList<string>? columns = null)
    {
        columns ??= [PhoneColumn];
        return "contacts" + ODataQuery.Build("contactid,fullname," + string.Join(',', columns), Filter(phone, columns), top: 5);
    }

    private static string Filter(PhoneNumber phone, IReadOnlyList<string> columns)
        => phone.IsAnonymous
            ? $"lastname eq {ODataQuery.Literal(UnknownCallerName)}"
            : string.Join(" or ", columns.Select(c => ODataQuery.AnyEquals(c, phone.MatchValues)));

    // The same number searched in other columns may find another contact: the columns are part of the key.
    private static string CacheKey(PhoneNumber phone, IReadOnlyList<string> columns)
        => (phone.IsAnonymous ? "(unknown caller)" : phone.Canonical) + (columns is [PhoneColumn] ? "" : "|" + string.Join(',', columns));

    private async Task<ContactMatch?> FindAsync(DataverseClient client, PhoneNumber phone, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        var body = await client.SendForSuccessAsync(
            new DataverseRequest(HttpMethod.Get, FindQuery(phone, columns), "find the caller's contact"), cancellationToken);
        // Dataverse compares text: a candidate is kept only when one of its numbers, re-read, is the caller's (never a false match).
        var records = ODataJson.Records(body).Where(r => phone.IsAnonymous || columns.Any(c => phone.IsSameNumber(ODataJson.Text(r, c)))).ToList();
        if (records.Count == 0)
        {
            return null;
        }

        // Several contacts share the number: prefer one stored in E.164, then one with the number in an earlier column of
        // phoneColumns, then the lowest id, so every call picks the same.
        var chosen = records
            .Select(r => (Record: r, Id: ODataJson.Id(r, "contactid")))
            .Where(r => r.Id is not null)
            .OrderBy(r => phone.E164 is not null && columns.Any(c => ODataJson.Text(r.Record, c) == phone.E164) ? 0 : 1)
            .ThenBy(r => phone.IsAnonymous ? 0 : FirstMatchingColumn(r.Record, phone, columns))
            .ThenBy(r => r.Id)
            .FirstOrDefault();
        if (chosen.Id is not { } id)
        {
            return null;
        }

        string? note = null;
        if (records.Count > 1)
        {
            note = $"{records.Count} contacts have the caller's number; the ticket is linked to '{ODataJson.Text(chosen.Record, "fullname")}' ({id}), chosen by E.164 match, then phone column order, then lowest id.";
            Log.SeveralContacts(logger, records.Count, id);
        }

        return ContactMatch.Existing(id, note);
    }

    private static int FirstMatchingColumn(JsonObject record, PhoneNumber phone, IReadOnlyList<string> columns)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (phone.IsSameNumber(ODataJson.Text(record, columns[i])))
            {
                return i;
            }
        }

        return columns.Count;
    }
}

/// <summary>
/// A contact reserved by <see cref="ContactDirectory.ReserveAsync"/> for one write; disposing it lets the next call for
/// the number go on. The writer reports what happened: a contact it created (<see cref="Created"/>), or a failure
/// (<see cref="Failed"/>).
/// </summary>
internal sealed class ContactReservation : IDisposable
{
    private readonly ContactDirectory _directory;
    private readonly string _key;
    private readonly bool _fromCache;
    private IDisposable? _held;

    internal ContactReservation(ContactDirectory directory, string key, ContactMatch match, bool fromCache, IDisposable? held)
    {
        _directory = directory;
        _key = key;
        _fromCache = fromCache;
        _held = held;
        Match = match;
    }

    /// <summary>The contact to link, or <see cref="ContactMatch.New"/> when the write creates it.</summary>
    public ContactMatch Match { get; }

    /// <summary>The write created the caller's contact: later calls for the number use it.</summary>
    public void Created(Guid contactId) => _directory.Remember(_key, contactId);

    /// <summary>
    /// The write failed. A permanent failure with a cached contact may mean it was deleted or merged in Dynamics since:
    /// the number is looked up again next time (not on throttling or outages, where a lookup would only add load).
    /// </summary>
    public void Failed(ActionFailure failure)
    {
        if (_fromCache && failure.Outcome is ActionFailedPermanent)
        {
            _directory.Forget(_key);
        }
    }

    public void Dispose()
    {
        _held?.Dispose();
        _held = null;
    }
}

/// <summary>The caller's contact: an existing one (with a note when the choice was ambiguous), or none yet.</summary>
internal sealed record ContactMatch(Guid? Id, string? Note)
{
    public static ContactMatch New { get; } = new(null, null);

    public static ContactMatch Existing(Guid id, string? note = null) => new(id, note);
}
