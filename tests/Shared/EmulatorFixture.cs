using TriggerPlugins.DataverseEmulator;

namespace TriggerPlugins.Tests.Shared;

/// <summary>A Dataverse emulator seeded with the sample tenant, and the environment the sample accounts read it from.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public DataverseEmulator.DataverseEmulator Emulator { get; private set; } = null!;

    /// <summary>The variables the sample accounts (samples/config/accounts) resolve with <c>env:</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["TRIGGERS_EMULATOR_URL"] = Emulator.BaseUri.ToString(),
        ["TRIGGERS_EMULATOR_THUMBPRINT"] = Emulator.CertificateThumbprint,
    };

    public async Task InitializeAsync()
    {
        Emulator = await DataverseEmulator.DataverseEmulator.StartAsync(
            new EmulatorOptions { SeedFile = Path.Combine(TriggersProcess.SamplesDirectory, "emulator", "seed.json") });
    }

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}
