using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Host.Tests.Plugins;

/// <summary>The rule applied to both the manifest's contractVersion and the contract assembly the plugin references.</summary>
public sealed class ContractCompatibilityTests
{
    [Theory]
    [InlineData("1.2.0")]
    [InlineData("1.2.0.0")]
    [InlineData("1.1.0")] // plugins built for contract 1.1 keep loading: 1.2 only added members
    [InlineData("1.0.0")] // plugins built for contract 1.0 keep loading: 1.1 only added members
    [InlineData("1.0.0.0")]
    public void The_host_s_own_contract_version_is_compatible(string version)
        => Assert.Null(PluginActivator.Incompatibility(Version.Parse(version)));

    [Fact]
    public void Another_major_version_is_refused_either_way()
    {
        Assert.EndsWith("this host loads plugins built for contract 1.x only", PluginActivator.Incompatibility(new Version(2, 0, 0)), StringComparison.Ordinal);
        Assert.EndsWith("this host loads plugins built for contract 1.x only", PluginActivator.Incompatibility(new Version(0, 9, 0)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_newer_minor_version_is_refused_because_it_may_use_members_this_host_lacks()
        => Assert.Equal(
            "the plugin was built for contract 1.3.0 but this host implements contract 1.2.0: it needs contract 1.3 or later",
            PluginActivator.Incompatibility(new Version(1, 3, 0)));
}
