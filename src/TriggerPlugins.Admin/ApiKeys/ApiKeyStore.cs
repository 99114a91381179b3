using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TriggerPlugins.Admin.Config;

namespace TriggerPlugins.Admin.ApiKeys;

/// <summary>An ingestion API key as stored: its name and hash, never the key.</summary>
/// <param name="Name">Who uses it; unique, and what the console revokes it by.</param>
/// <param name="Sha256">The SHA-256 of the key, lowercase hex.</param>
/// <param name="Prefix">The key's first characters, to recognise it (keys made elsewhere have none).</param>
/// <param name="CreatedAt">When it was made (keys made elsewhere have none).</param>
public sealed record ApiKey(string Name, string Sha256, string? Prefix = null, DateTimeOffset? CreatedAt = null);

/// <summary>
/// Ingestion API keys in <c>api-keys.json</c> in the data folder, in the file format of <c>triggers serve</c>
/// (<c>{ "Keys": [ { "Name", "Sha256" } ] }</c>), which checks <c>Authorization: Bearer &lt;key&gt;</c> against it. A new
/// key is 24 random bytes, shown once and stored as its SHA-256: a key that random cannot be guessed from a fast
/// hash, so the slow password hash is not needed, and checking a key on every event stays cheap.
/// </summary>
public sealed class ApiKeyStore : IDisposable
{
    /// <summary>The file, in the data folder.</summary>
    public const string FileName = "api-keys.json";

    /// <summary>What every key starts with, so a leaked one is easy to recognise.</summary>
    public const string KeyPrefix = "trg_";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Releases the lock that serialises writes to the file (the service container disposes the singleton).</summary>
    public void Dispose() => _gate.Dispose();
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

    /// <summary>Creates a key named <paramref name="name"/>; returns it in clear text, the only time it is ever available. Null when the name is taken.</summary>
    public async Task<(ApiKey Stored, string Key)?> CreateAsync(string name, CancellationToken cancellationToken)
    {
        var key = KeyPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var stored = new ApiKey(name, Hash(key), key[..(KeyPrefix.Length + 6)], _timeProvider.GetUtcNow());
        var added = await UpdateAsync(keys =>
        {
            if (keys.Any(k => k.Name == name))
            {
                return false;
            }

            keys.Add(stored);
            return true;
        }, cancellationToken);
        return added ? (stored, key) : null;
    }

    /// <summary>Removes the key named <paramref name="name"/>: requests with it are refused once the service reloads its keys.</summary>
    public Task<bool> RevokeAsync(string name, CancellationToken cancellationToken) => UpdateAsync(keys => keys.RemoveAll(k => k.Name == name) > 0, cancellationToken);

    /// <summary>The stored key that <paramref name="key"/> is, or null. Compares hashes in constant time.</summary>
    public async Task<ApiKey?> FindAsync(string key, CancellationToken cancellationToken)
    {
        var hash = Encoding.ASCII.GetBytes(Hash(key));
        return (await ReadAsync(cancellationToken)).FirstOrDefault(k => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(k.Sha256), hash));
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private async Task<List<ApiKey>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        await using var stream = File.OpenRead(_path);
        return (await JsonSerializer.DeserializeAsync<KeyFile>(stream, Indented, cancellationToken))?.Keys ?? [];
    }

    private async Task<bool> UpdateAsync(Func<List<ApiKey>, bool> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var keys = await ReadAsync(cancellationToken);
            if (!change(keys))
            {
                return false;
            }

            await AtomicFile.WriteAsync(_path, JsonSerializer.Serialize(new KeyFile(keys), Indented), cancellationToken, ownerOnly: true);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record KeyFile(List<ApiKey> Keys);
}
