using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TriggerPlugins.Server.Security;

/// <summary>
/// API keys: the one from <c>TRIGGERS_API_KEY</c>, and managed keys kept in <c>api-keys.json</c> in the data folder as
/// SHA-256 hashes only (a key is shown once, when <see cref="Add"/> creates it). A request carries its key as
/// <c>Authorization: Bearer &lt;key&gt;</c>. Keys are compared by hash in constant time; a key is never logged.
/// </summary>
public sealed class ApiKeys
{
    /// <summary>The managed keys' file in the data folder.</summary>
    public const string FileName = "api-keys.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly string _dataDirectory;
    private readonly byte[]? _environmentHash;
    private readonly Lock _reload = new();
    private Snapshot _current;

    private ApiKeys(string dataDirectory, byte[]? environmentHash, bool allowAnonymousLoopback)
    {
        _dataDirectory = dataDirectory;
        _environmentHash = environmentHash;
        AllowAnonymousLoopback = allowAnonymousLoopback;
        _current = Read();
    }

    /// <summary>True when requests without a key are accepted from loopback addresses.</summary>
    public bool AllowAnonymousLoopback { get; }

    /// <summary>How many keys are known.</summary>
    public int Count => Current().Hashes.Count;

    /// <summary>Loads the managed keys of <paramref name="dataDirectory"/> and adds <paramref name="environmentKey"/>.</summary>
    /// <remarks>
    /// The file is read again when it changes (a key added with `serve add-key` or in the admin console works at once,
    /// and a removed one stops working); a file that became unreadable keeps the keys read before, so a bad edit never
    /// locks every client out.
    /// </remarks>
    public static ApiKeys Load(string dataDirectory, string? environmentKey, bool allowAnonymousLoopback)
        => new(dataDirectory, string.IsNullOrWhiteSpace(environmentKey) ? null : Hash(environmentKey.Trim()), allowAnonymousLoopback);

    /// <summary>Creates a managed key named <paramref name="name"/>, stores its hash, and returns the key (shown once).</summary>
    public static string Add(string dataDirectory, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var keys = ReadFile(dataDirectory);
        if (keys.Any(k => string.Equals(k.Name, name, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"an API key named '{name}' already exists in {Path.Combine(dataDirectory, FileName)}; pick another name.");
        }

        var key = "trg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        keys.Add(new StoredKey(name, Convert.ToHexStringLower(Hash(key))));
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(new KeyFile(keys), Indented));
        File.Move(path + ".tmp", path, overwrite: true);
        return key;
    }

    /// <summary>Null when the request may pass; otherwise why not (the 401's message).</summary>
    public string? Refusal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AllowAnonymousLoopback && context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
                ? null
                : "this endpoint needs an API key: send 'Authorization: Bearer <key>' (TRIGGERS_API_KEY, or a key from `triggers serve add-key`)";
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "the Authorization header must be 'Bearer <key>'";
        }

        var presented = Hash(header["Bearer ".Length..].Trim());
        var match = false;
        foreach (var hash in Current().Hashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, presented);
        }

        return match ? null : "the API key is not valid (it is not TRIGGERS_API_KEY nor a managed key of this data folder)";
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    // One stat per request: cheap next to the request, and it spares a file watcher whose events can be missed.
    private Snapshot Current()
    {
        var current = Volatile.Read(ref _current);
        if (LastWrite() == current.Written)
        {
            return current;
        }

        lock (_reload)
        {
            try
            {
                _current = Read();
            }
            catch (InvalidDataException)
            {
                _current = current with { Written = LastWrite() };
            }

            return _current;
        }
    }

    private Snapshot Read()
    {
        var written = LastWrite();
        var hashes = ReadFile(_dataDirectory).Select(k => Convert.FromHexString(k.Sha256)).ToList();
        if (_environmentHash is not null)
        {
            hashes.Add(_environmentHash);
        }

        return new Snapshot(hashes, written);
    }

    private DateTime LastWrite() => File.GetLastWriteTimeUtc(Path.Combine(_dataDirectory, FileName));

    private sealed record Snapshot(IReadOnlyList<byte[]> Hashes, DateTime Written);

    private static List<StoredKey> ReadFile(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            var file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path));
            var keys = file?.Keys ?? [];
            if (keys.Any(k => k.Sha256 is not { Length: 64 } || string.IsNullOrEmpty(k.Name)))
            {
                throw new InvalidDataException("every key needs a name and a 64-character sha256");
            }

            return [.. keys];
        }
        catch (Exception exception) when (exception is JsonException or InvalidDataException or FormatException)
        {
            throw new InvalidDataException($"{path}: cannot read the API keys ({exception.Message}); fix or delete the file and add the keys again.", exception);
        }
    }

    private sealed record StoredKey(string Name, string Sha256);

    private sealed record KeyFile(List<StoredKey> Keys);
}
