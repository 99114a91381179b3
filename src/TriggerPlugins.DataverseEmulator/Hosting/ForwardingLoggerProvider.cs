using Microsoft.Extensions.Logging;

namespace TriggerPlugins.DataverseEmulator.Hosting;

/// <summary>Sends the emulator host's logs to the caller's logger factory, which it does not own (nor dispose).</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
