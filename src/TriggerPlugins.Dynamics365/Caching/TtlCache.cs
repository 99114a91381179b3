using System.Collections.Concurrent;

namespace TriggerPlugins.Dynamics365.Caching;

/// <summary>
/// A small thread-safe cache whose entries expire (by the host's clock) and whose size is bounded:
/// when full, expired entries go first, then those closest to expiry.
/// </summary>
internal sealed class TtlCache<T>(int capacity, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public bool TryGet(string key, out T value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.ExpiresAt > time.GetUtcNow())
            {
                value = entry.Value;
                return true;
            }

            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }

        value = default!;
        return false;
    }

    public void Set(string key, T value, TimeSpan lifetime)
    {
        if (_entries.Count >= capacity && !_entries.ContainsKey(key))
        {
            MakeRoom();
        }

        _entries[key] = new Entry(value, time.GetUtcNow() + lifetime);
    }

    public void Remove(string key) => _entries.TryRemove(key, out _);

    private void MakeRoom()
    {
        var now = time.GetUtcNow();
        foreach (var pair in _entries.Where(p => p.Value.ExpiresAt <= now))
        {
            _entries.TryRemove(pair);
        }

        var excess = _entries.Count - (capacity - Math.Max(1, capacity / 10));
        if (excess > 0)
        {
            foreach (var pair in _entries.OrderBy(p => p.Value.ExpiresAt).Take(excess).ToList())
            {
                _entries.TryRemove(pair);
            }
        }
    }

    private sealed record Entry(T Value, DateTimeOffset ExpiresAt);
}
