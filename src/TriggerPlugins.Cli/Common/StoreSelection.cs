using Microsoft.Extensions.Logging;
using TriggerPlugins.Storage.PostgreSql;

namespace TriggerPlugins.Cli.Common;

/// <summary>The delivery store of the commands: the one TRIGGERS_STORE names, SQLite in the data folder by default.</summary>
internal static class StoreSelection
{
    /// <summary>Opens the store; on a user error (bad TRIGGERS_STORE, unreachable server) prints one line and returns null: exit with <see cref="ExitCodes.UsageError"/>.</summary>
    public static async Task<OpenedDeliveryStore?> OpenAsync(string? setting, string dataDirectory, ILogger? logger, CancellationToken cancellationToken)
    {
        try
        {
            return await DeliveryStores.OpenAsync(setting, dataDirectory, logger, cancellationToken);
        }
        catch (DeliveryStoreException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return null;
        }
    }

    /// <summary>Opens the store TRIGGERS_STORE names; see <see cref="OpenAsync(string?, string, ILogger?, CancellationToken)"/>.</summary>
    public static Task<OpenedDeliveryStore?> FromEnvironmentAsync(string dataDirectory, CancellationToken cancellationToken) =>
        OpenAsync(DeliveryStores.FromEnvironment(), dataDirectory, logger: null, cancellationToken);
}
