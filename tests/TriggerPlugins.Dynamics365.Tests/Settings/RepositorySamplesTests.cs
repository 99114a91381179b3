using Microsoft.Extensions.Logging.Abstractions;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Dynamics365.Tests.Settings;

/// <summary>The repository's sample config folder (samples/config), loaded by the host, is valid for this plugin.</summary>
public sealed class RepositorySamplesTests
{
    [Fact]
    public async Task The_sample_config_folder_loads_without_any_problem()
    {
        await using var catalog = PluginCatalog.Load(Path.Combine(AppContext.BaseDirectory, "plugins"), NullLoggerFactory.Instance);
        // The demo accounts read the emulator's address and certificate from the environment.
        var environment = new Dictionary<string, string>
        {
            ["TRIGGERS_EMULATOR_URL"] = "https://127.0.0.1:5443/",
            ["TRIGGERS_EMULATOR_THUMBPRINT"] = new string('A', 64),
        };

        var configuration = ConfigurationLoader.Load(RepositoryRoot.Combine("samples", "config"), catalog, name => environment.GetValueOrDefault(name));

        Assert.Empty(configuration.Problems);
        Assert.Contains(configuration.Accounts.Values, a => a.Plugin == "dynamics365");
        Assert.Contains(configuration.Configurations.Values, c => c.Plugin == "dynamics365");
    }
}
