using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Abstractions.Tests;

public sealed class ContractVersionTests
{
    [Fact]
    public void The_assembly_version_follows_the_contract_version_hosts_compare()
    {
        var assemblyVersion = typeof(IIntegrationAction).Assembly.GetName().Version!;

        Assert.Equal($"{ContractVersion.Major}.{ContractVersion.Minor}.{ContractVersion.Patch}", ContractVersion.Current);
        Assert.Equal((ContractVersion.Major, ContractVersion.Minor), (assemblyVersion.Major, assemblyVersion.Minor));
    }
}
