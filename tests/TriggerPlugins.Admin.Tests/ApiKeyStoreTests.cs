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
        var (stored, key) = await store.CreateAsync("motion", default);

        Assert.StartsWith(ApiKeyStore.KeyPrefix, key, StringComparison.Ordinal);
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(Path.Combine(_data, ApiKeyStore.FileName)), StringComparison.Ordinal);
        Assert.Equal(stored.Id, (await store.FindAsync(key, default))?.Id);
        Assert.Null(await store.FindAsync(key + "x", default));

        Assert.True(await store.RevokeAsync(stored.Id, default));
        Assert.Null(await store.FindAsync(key, default));
    }
}
