using Microsoft.Extensions.Hosting;

namespace TriggerPlugins.DataverseEmulator.Hosting;

/// <summary>
/// The emulator's host lifetime: none of its own. The default (ConsoleLifetime) would take Ctrl+C and SIGTERM
/// from the process that embeds the emulator (<c>triggers emulator</c>, <c>triggers demo</c>, tests) and stop only
/// the web host, leaving that process running; the embedding process owns its signals and disposes the emulator.
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
