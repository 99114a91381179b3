using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.RateLimits;

namespace TriggerPlugins.Storage.PostgreSql;

/// <summary>An open delivery store and what it is, for messages; disposing it closes the store.</summary>
/// <param name="Store">The store.</param>
/// <param name="Description">"SQLite file ..." or "PostgreSQL host:port/database": never a password.</param>
/// <param name="Shared">
/// True when other hosts may work on the same queue (PostgreSQL): a host must then never return every in-flight
/// delivery to pending on start (<see cref="IDeliveryStore.RecoverInFlightAsync"/>), which would take other hosts'
/// running deliveries; the leases of a host that died run out instead, and the other hosts take its deliveries.
/// </param>
/// <param name="RateLimits">
/// The request budgets the host gives its plugins (<see cref="PluginContext.SharedRateLimits"/>): in the database for
/// PostgreSQL, so every host on the queue takes from the same budgets; in memory for SQLite (one host per data folder).
/// </param>
public sealed record OpenedDeliveryStore(IDeliveryStore Store, string Description, bool Shared, ISharedRateLimits RateLimits) : IAsyncDisposable
{
    /// <summary>Closes the store's connections.</summary>
    public async ValueTask DisposeAsync()
    {
        switch (Store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}

/// <summary>
/// Chooses the delivery store from a setting, usually the <c>TRIGGERS_STORE</c> environment variable:
/// unset, empty or <c>sqlite</c>: SQLite in the data folder (the default); <c>postgres:&lt;Npgsql connection
/// string&gt;</c> (or <c>postgresql:</c>): the PostgreSQL database several hosts can share.
/// </summary>
public static class DeliveryStores
{
    /// <summary>The environment variable that selects the store.</summary>
    public const string EnvironmentVariable = "TRIGGERS_STORE";

    private const string Usage = "use 'sqlite' (the default) or 'postgres:Host=<server>;Port=5432;Database=<name>;Username=<user>;Password=<password>'";

    /// <summary>The setting from the environment (<see cref="EnvironmentVariable"/>), or null when unset.</summary>
    public static string? FromEnvironment() => Environment.GetEnvironmentVariable(EnvironmentVariable);

    /// <summary>
    /// Opens the store <paramref name="setting"/> names (SQLite in <paramref name="dataDirectory"/> when null or empty).
    /// <paramref name="mode"/>: <see cref="DeliveryStoreOpenMode.MustExist"/> for read-only and admin commands, which
    /// never create a queue (in SQLite or PostgreSQL alike).
    /// </summary>
    /// <exception cref="DeliveryStoreException">The setting is invalid, or the store cannot be opened; the message says how to fix it.</exception>
    public static async Task<OpenedDeliveryStore> OpenAsync(string? setting, string dataDirectory, DeliveryStoreOpenMode mode, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var (kind, connectionString) = Parse(setting);
        if (kind == StoreKind.PostgreSql)
        {
            var postgres = await PostgreSqlDeliveryStore.OpenAsync(connectionString!, mode, logger, cancellationToken);
            return new OpenedDeliveryStore(postgres, $"PostgreSQL {postgres.Where}", Shared: true, postgres.RateLimits);
        }

        var sqlite = await SqliteDeliveryStore.OpenAsync(dataDirectory, mode, cancellationToken);
        return new OpenedDeliveryStore(sqlite, $"SQLite file {sqlite.Path}", Shared: false, new InMemorySharedRateLimits(TimeProvider.System));
    }

    /// <summary>Which store a setting names, and the PostgreSQL connection string; the error never repeats the setting past its kind (it may hold a password).</summary>
    internal static (StoreKind Kind, string? ConnectionString) Parse(string? setting)
    {
        var text = setting?.Trim();
        if (string.IsNullOrEmpty(text) || string.Equals(text, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return (StoreKind.Sqlite, null);
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? text : text[..colon];
        if (kind.Equals("postgres", StringComparison.OrdinalIgnoreCase) || kind.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
        {
            var connectionString = colon < 0 ? string.Empty : text[(colon + 1)..].Trim();
            return connectionString.Length > 0
                ? (StoreKind.PostgreSql, connectionString)
                : throw new DeliveryStoreException(DeliveryStoreFault.Other, EnvironmentVariable, $"{EnvironmentVariable} says '{kind}' but gives no connection string after the colon: {Usage}.");
        }

        var shown = colon < 0 && kind.Length <= 20 && !kind.Contains('=', StringComparison.Ordinal) ? $"'{kind}'" : colon < 0 ? "its value" : $"'{kind}:'";
        throw new DeliveryStoreException(DeliveryStoreFault.Other, EnvironmentVariable, $"{EnvironmentVariable}: {shown} is not a delivery store: {Usage}.");
    }

    /// <summary>The store kinds.</summary>
    internal enum StoreKind
    {
        Sqlite,
        PostgreSql,
    }
}
