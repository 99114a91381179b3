using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.Admin.Users;

namespace TriggerPlugins.Admin.Tests;

public sealed class AdminUserStoreTests : IDisposable
{
    private const string Password = "correct horse battery";
    private readonly string _data = Directory.CreateTempSubdirectory("admin-users-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task The_password_is_stored_only_as_a_hash_that_verifies()
    {
        var store = new AdminUserStore(_data, _time);
        Assert.True(await store.AddAsync("alice", Password, default));

        var file = await File.ReadAllTextAsync(Path.Combine(_data, AdminUserStore.FileName));
        Assert.DoesNotContain(Password, file, StringComparison.Ordinal);
        Assert.Contains("passwordHash", file, StringComparison.Ordinal);
        Assert.Equal(SignInResult.Succeeded, await store.SignInAsync("alice", Password, default));
        Assert.Equal(SignInResult.Failed, await store.SignInAsync("alice", Password + "x", default));
        Assert.Equal(SignInResult.Failed, await store.SignInAsync("bob", Password, default));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        }
    }

    [Fact]
    public async Task Repeated_failures_lock_the_admin_out_even_with_the_right_password_until_the_lockout_ends()
    {
        var store = new AdminUserStore(_data, _time);
        await store.AddAsync("alice", Password, default);
        for (var i = 1; i < AdminUserStore.MaxFailedAttempts; i++)
        {
            Assert.Equal(SignInResult.Failed, await store.SignInAsync("alice", "wrong password " + i, default));
        }

        Assert.Equal(SignInResult.LockedOut, await store.SignInAsync("alice", "wrong again", default));
        Assert.Equal(SignInResult.LockedOut, await store.SignInAsync("alice", Password, default));

        _time.Advance(AdminUserStore.LockoutDuration - TimeSpan.FromSeconds(1));
        Assert.Equal(SignInResult.LockedOut, await store.SignInAsync("alice", Password, default));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SignInResult.Succeeded, await store.SignInAsync("alice", Password, default));
    }

    [Fact]
    public async Task Setting_a_new_password_lifts_a_lockout_and_short_passwords_or_odd_names_are_refused()
    {
        var store = new AdminUserStore(_data, _time);
        await store.AddAsync("alice", Password, default);
        for (var i = 0; i < AdminUserStore.MaxFailedAttempts; i++)
        {
            await store.SignInAsync("alice", "wrong", default);
        }

        Assert.False(await store.AddAsync("alice", "a brand new password", default));
        Assert.Equal(SignInResult.Succeeded, await store.SignInAsync("alice", "a brand new password", default));
        var shortPassword = await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync("bob", "short", default));
        Assert.Contains("at least 12 characters", shortPassword.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync("bob smith", Password, default));
    }
}
