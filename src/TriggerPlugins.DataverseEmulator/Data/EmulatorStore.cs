using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator.Data;
using TriggerPlugins.DataverseEmulator.WebApi;

namespace TriggerPlugins.DataverseEmulator;

/// <summary>The emulator's Dataverse records, kept in memory. Thread-safe; readers get copies.</summary>
public sealed class EmulatorStore
{
    // One lock for every table: a create with deep inserts and lookups is checked and applied atomically.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Table> _tables;
    private long _version = 1_000_000;

    internal EmulatorStore(EntitySchemaCatalog schemas)
    {
        Schemas = schemas;
        _tables = schemas.All.ToDictionary(s => s.EntitySetName, _ => new Table(), StringComparer.Ordinal);
    }

    internal EntitySchemaCatalog Schemas { get; }

    /// <summary>Copies of the records of an entity set (e.g. <c>incidents</c>), oldest first.</summary>
    /// <exception cref="ArgumentException">The emulator has no such entity set.</exception>
    public IReadOnlyList<JsonObject> Records(string entitySet)
    {
        var table = TableOf(entitySet);
        lock (_gate)
        {
            return table.Rows.Select(r => (JsonObject)r.DeepClone()).ToList();
        }
    }

    /// <summary>How many records an entity set holds.</summary>
    /// <exception cref="ArgumentException">The emulator has no such entity set.</exception>
    public int Count(string entitySet)
    {
        var table = TableOf(entitySet);
        lock (_gate)
        {
            return table.Rows.Count;
        }
    }

    internal IReadOnlyList<JsonObject> Query(EntitySchema schema, Func<JsonObject, bool> predicate, int? top)
    {
        var table = TableOf(schema.EntitySetName);
        lock (_gate)
        {
            var matches = table.Rows.Where(predicate);
            if (top is { } limit)
            {
                matches = matches.Take(limit);
            }

            return matches.Select(r => (JsonObject)r.DeepClone()).ToList();
        }
    }

    internal JsonObject? Find(EntitySchema schema, Guid id)
    {
        var table = TableOf(schema.EntitySetName);
        lock (_gate)
        {
            return table.ById.TryGetValue(id, out var row) ? (JsonObject)row.DeepClone() : null;
        }
    }

    /// <summary>Runs <paramref name="work"/> under the store lock and stores what it inserted only if it succeeds.</summary>
    internal T Write<T>(Func<StoreTransaction, T> work)
    {
        lock (_gate)
        {
            var transaction = new StoreTransaction(this);
            var result = work(transaction);
            foreach (var (schema, id, record) in transaction.Pending)
            {
                record["versionnumber"] = ++_version;
                var table = _tables[schema.EntitySetName];
                if (table.ById.TryGetValue(id, out var stored))
                {
                    // An update: the row keeps its place (oldest first), with the new values.
                    table.Rows[table.Rows.IndexOf(stored)] = record;
                    table.ById[id] = record;
                    continue;
                }

                table.ById.Add(id, record);
                table.Rows.Add(record);
            }

            return result;
        }
    }

    /// <summary>
    /// Disables or enables a user, as an admin does in the Power Platform admin center: the user keeps its email and
    /// records, but a disabled user cannot own new ones.
    /// </summary>
    /// <exception cref="ArgumentException">No systemuser has that id.</exception>
    public void SetUserDisabled(Guid systemUserId, bool disabled)
    {
        lock (_gate)
        {
            var user = TableOf("systemusers").ById.GetValueOrDefault(systemUserId)
                ?? throw new ArgumentException($"No systemuser has the id {systemUserId:D}.", nameof(systemUserId));
            user["isdisabled"] = disabled;
            user["versionnumber"] = ++_version;
        }
    }

    private Table TableOf(string entitySet) =>
        _tables.TryGetValue(entitySet, out var table)
            ? table
            : throw new ArgumentException($"The emulator has no entity set '{entitySet}'. Known: {string.Join(", ", _tables.Keys)}.", nameof(entitySet));

    /// <summary>Reads and staged inserts inside <see cref="Write{T}"/>; the caller holds the store lock.</summary>
    internal sealed class StoreTransaction(EmulatorStore store)
    {
        internal List<(EntitySchema Schema, Guid Id, JsonObject Record)> Pending { get; } = [];

        public bool Exists(EntitySchema schema, Guid id) =>
            store._tables[schema.EntitySetName].ById.ContainsKey(id) || Pending.Exists(p => p.Schema == schema && p.Id == id);

        /// <summary>The record as this transaction sees it: its own staged version first, then the stored one.</summary>
        public JsonObject? Peek(EntitySchema schema, Guid id) =>
            Pending.FindLast(p => p.Schema == schema && p.Id == id).Record ?? store._tables[schema.EntitySetName].ById.GetValueOrDefault(id);

        /// <summary>Stages a new version of an existing record (applied with the transaction's inserts).</summary>
        public void Replace(EntitySchema schema, Guid id, JsonObject record)
        {
            var index = Pending.FindIndex(p => p.Schema == schema && p.Id == id);
            if (index >= 0)
            {
                Pending[index] = (schema, id, record);
                return;
            }

            Pending.Add((schema, id, record));
        }

        public void Insert(EntitySchema schema, Guid id, JsonObject record)
        {
            if (Exists(schema, id))
            {
                throw DataverseErrors.DuplicateKey();
            }

            Pending.Add((schema, id, record));
        }
    }

    private sealed class Table
    {
        public Dictionary<Guid, JsonObject> ById { get; } = [];

        public List<JsonObject> Rows { get; } = [];
    }
}
