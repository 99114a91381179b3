namespace TriggerPlugins.DataverseEmulator.Tests.Support;

/// <summary>A fresh emulator with the demo tenant per test, and a client signed in as the demo application.</summary>
public abstract class DemoTenantTest : IAsyncLifetime
{
    protected DataverseEmulator Emulator { get; private set; } = null!;

    private protected EmulatorClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        Client = await EmulatorClient.ForApplicationAsync(Emulator);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }
}
