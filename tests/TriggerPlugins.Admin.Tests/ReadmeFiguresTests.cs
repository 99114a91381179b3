using TriggerPlugins.Admin.Users;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Admin.Tests;

/// <summary>The README's figures about the console that come from code defaults.</summary>
public sealed class ReadmeFiguresTests
{
    [Fact]
    public async Task The_readme_states_the_lockout_and_password_rules_the_code_applies()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(TriggersProcess.RepoRoot, "README.md"));

        Assert.Contains($"Passwords (at least {AdminUserStore.MinimumPasswordLength} characters)", readme, StringComparison.Ordinal);
        Assert.Contains($"After {AdminUserStore.MaxFailedAttempts} failed sign-ins in a row an admin is\nlocked out for {AdminUserStore.LockoutDuration.TotalMinutes:0} minutes", readme, StringComparison.Ordinal);
        Assert.Contains("(8 hours, sliding)", readme, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromHours(8), AdminConsole.CookieLifetime);
    }
}
