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

    private readonly IReadOnlyList<byte[]> _hashes;

    private ApiKeys(IReadOnlyList<byte[]> hashes, bool allowAnonymousLoopback)
    {
        _hashes = hashes;
        AllowAnonymousLoopback = allowAnonymousLoopback;
    }

    /// <summary>True when requests without a key are accepted from loopback addresses.</summary>
    public bool AllowAnonymousLoopback { get; }

    /// <summary>How many keys are known.</summary>
    public int Count => _hashes.Count;

    /// <summary>Loads the managed keys of <paramref name="dataDirectory"/> and adds <paramref name="environmentKey"/>.</summary>
    public static ApiKeys Load(string dataDirectory, string? environmentKey, bool allowAnonymousLoopback)
    {
        var hashes = ReadFile(dataDirectory).Select(k => Convert.FromHexString(k.Sha256)).ToList();
        if (!string.IsNullOrWhiteSpace(environmentKey))
        {
            hashes.Add(Hash(environmentKey.Trim()));
        }

        return new ApiKeys(hashes, allowAnonymousLoopback);
    }

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
        foreach (var hash in _hashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, presented);
        }

        return match ? null : "the API key is not valid (it is not TRIGGERS_API_KEY nor a managed key of this data folder)";
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

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
