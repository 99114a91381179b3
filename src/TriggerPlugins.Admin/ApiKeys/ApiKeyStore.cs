using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TriggerPlugins.Admin.ApiKeys;

/// <summary>An ingestion API key as stored: its hash, never the key.</summary>
public sealed record ApiKey(string Id, string Name, string Prefix, string Sha256, DateTimeOffset CreatedAt);

/// <summary>
/// Ingestion API keys in <c>api-keys.json</c> in the data folder. A new key is 32 random bytes, shown once and stored
/// as its SHA-256: a key that random cannot be guessed from a fast hash, so the slow password hash is not needed,
/// and checking a key on every event stays cheap.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>The file, in the data folder.</summary>
    public const string FileName = "api-keys.json";

    /// <summary>What every key starts with, so a leaked one is easy to recognise.</summary>
    public const string KeyPrefix = "tpk_";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _path;
    private readonly TimeProvider _timeProvider;

    /// <summary>The store in <paramref name="dataDirectory"/>.</summary>
    public ApiKeyStore(string dataDirectory, TimeProvider timeProvider)
    {
        _path = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        _timeProvider = timeProvider;
    }

    /// <summary>The stored keys (hashes only).</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) => await ReadAsync(cancellationToken);

    /// <summary>Creates a key named <paramref name="name"/>; returns it in clear text, the only time it is ever available.</summary>
    public async Task<(ApiKey Stored, string Key)> CreateAsync(string name, CancellationToken cancellationToken)
    {
        var key = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var stored = new ApiKey(Guid.NewGuid().ToString("N")[..12], name, key[..(KeyPrefix.Length + 6)], Hash(key), _timeProvider.GetUtcNow());
        await UpdateAsync(keys => keys.Add(stored), cancellationToken);
        return (stored, key);
    }

    /// <summary>Removes a key: requests with it are refused from then on.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        var removed = false;
        await UpdateAsync(keys => removed = keys.RemoveAll(k => k.Id == id) > 0, cancellationToken);
        return removed;
    }

    /// <summary>The stored key that <paramref name="key"/> is, or null. Compares hashes in constant time.</summary>
    public async Task<ApiKey?> FindAsync(string key, CancellationToken cancellationToken)
    {
        var hash = Encoding.ASCII.GetBytes(Hash(key));
        return (await ReadAsync(cancellationToken)).FirstOrDefault(k => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(k.Sha256), hash));
    }

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private async Task<List<ApiKey>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        await using var stream = File.OpenRead(_path);
        return await JsonSerializer.DeserializeAsync<List<ApiKey>>(stream, JsonOptions, cancellationToken) ?? [];
    }

    private async Task UpdateAsync(Action<List<ApiKey>> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var keys = await ReadAsync(cancellationToken);
            change(keys);
            await AtomicFile.WriteAsync(_path, JsonSerializer.Serialize(keys, JsonOptions), cancellationToken, ownerOnly: true);
        }
        finally
        {
            _gate.Release();
        }
    }
}
