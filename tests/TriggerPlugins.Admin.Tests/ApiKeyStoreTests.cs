using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.Admin.ApiKeys;

namespace TriggerPlugins.Admin.Tests;

public sealed class ApiKeyStoreTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("api-keys-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task A_new_key_is_returned_once_stored_as_a_hash_found_by_its_value_and_refused_once_revoked()
    {
        var store = new ApiKeyStore(_data, new FakeTimeProvider());
        var (stored, key) = (await store.CreateAsync("motion", default))!.Value;

        Assert.StartsWith(ApiKeyStore.KeyPrefix, key, StringComparison.Ordinal);
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(Path.Combine(_data, ApiKeyStore.FileName)), StringComparison.Ordinal);
        Assert.Equal("motion", (await store.FindAsync(key, default))?.Name);
        Assert.Null(await store.CreateAsync("motion", default));

        // The file format of `triggers serve`: { "Keys": [ { "Name", "Sha256" (lowercase hex) } ] }.
        using (var file = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_data, ApiKeyStore.FileName))))
        {
            var entry = Assert.Single(file.RootElement.GetProperty("Keys").EnumerateArray());
            Assert.Equal("motion", entry.GetProperty("Name").GetString());
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))), entry.GetProperty("Sha256").GetString());
        }

        Assert.Null(await store.FindAsync(key + "x", default));

        Assert.True(await store.RevokeAsync(stored.Name, default));
        Assert.Null(await store.FindAsync(key, default));
    }
}
