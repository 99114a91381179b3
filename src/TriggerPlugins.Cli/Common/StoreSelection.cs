using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Storage.PostgreSql;

namespace TriggerPlugins.Cli.Common;

/// <summary>The delivery store of the commands: the one TRIGGERS_STORE names, SQLite in the data folder by default.</summary>
internal static class StoreSelection
{
    /// <summary>Opens the store TRIGGERS_STORE names; a store that cannot be used throws <see cref="DeliveryStoreException"/> (one line, exit 2).</summary>
    public static Task<OpenedDeliveryStore> OpenAsync(string dataDirectory, DeliveryStoreOpenMode mode, CancellationToken cancellationToken) =>
        DeliveryStores.OpenAsync(DeliveryStores.FromEnvironment(), dataDirectory, mode, logger: null, cancellationToken);
}
