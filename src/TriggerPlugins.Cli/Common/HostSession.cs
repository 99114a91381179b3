using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Host.RateLimits;
using TriggerPlugins.Host.Triggers;
using TriggerPlugins.Storage.PostgreSql;

namespace TriggerPlugins.Cli.Common;

/// <summary>
/// The host as the commands use it: plugins loaded from disk, a config folder loaded and validated, and (for the
/// commands that run actions) the durable delivery queue with its processor. The composition root of the CLI.
/// </summary>
internal sealed class HostSession : IAsyncDisposable
{
    private OpenedDeliveryStore? _store;
    private readonly ForwardingSharedRateLimits _rateLimits;

    private HostSession(PluginCatalog plugins, TriggerConfiguration configuration, ILoggerFactory loggerFactory, ForwardingSharedRateLimits rateLimits)
    {
        _rateLimits = rateLimits;
        Plugins = plugins;
        Configuration = configuration;
        LoggerFactory = loggerFactory;
    }

    public PluginCatalog Plugins { get; }

    public TriggerConfiguration Configuration { get; }

    public ILoggerFactory LoggerFactory { get; }

    public IDeliveryStore? Store => _store?.Store;

    /// <summary>True when other hosts may share the queue (see <see cref="OpenedDeliveryStore.Shared"/>).</summary>
    public bool StoreIsShared => _store?.Shared ?? false;

    public DeliveryProcessor? Processor { get; private set; }

    public DispatchService? Dispatcher { get; private set; }

    /// <summary>Loads the plugins and the config folder (validated by the plugins). Never throws for bad files: see the problems.</summary>
    public static HostSession Open(string pluginsDirectory, string configDirectory, ILoggerFactory loggerFactory)
    {
        // The plugins are loaded before the queue is opened: their request budgets are in memory until it is, then the queue's.
        var rateLimits = new ForwardingSharedRateLimits(new InMemorySharedRateLimits(TimeProvider.System));
        var plugins = PluginCatalog.Load(pluginsDirectory, loggerFactory, sharedRateLimits: rateLimits);
        var configuration = ConfigurationLoader.Load(configDirectory, plugins);
        return new HostSession(plugins, configuration, loggerFactory, rateLimits);
    }

    /// <summary>
    /// Opens the durable queue <paramref name="storeSetting"/> names (<c>TRIGGERS_STORE</c>; null: SQLite in
    /// <paramref name="dataDirectory"/>), applies the retention, and wires the engine to it.
    /// </summary>
    /// <exception cref="DeliveryStoreException">The queue is damaged or cannot be opened (the CLI prints its message, exit 2).</exception>
    public async Task StartDeliveryAsync(string? storeSetting, string dataDirectory, DeliveryOptions options, DeliveryStoreOpenMode mode, CancellationToken cancellationToken)
    {
        _store = await DeliveryStores.OpenAsync(storeSetting, dataDirectory, mode, LoggerFactory.CreateLogger<PostgreSqlDeliveryStore>(), cancellationToken);
        _rateLimits.Target = _store.RateLimits;
        await _store.Store.PurgeSettledAsync(TimeProvider.System.GetUtcNow() - options.Retention, cancellationToken);
        Processor = new DeliveryProcessor(_store.Store, Plugins, Configuration, Options.Create(options), TimeProvider.System, LoggerFactory.CreateLogger<DeliveryProcessor>());
        var environments = DeliveryEnvironments.From(Configuration, Plugins.Plugins.Select(p => p.Manifest));
        var engine = new TriggerEngine(Configuration.Triggers, LoggerFactory.CreateLogger<TriggerEngine>(), environments);
        Dispatcher = new DispatchService(engine, _store.Store, Processor, TimeProvider.System, LoggerFactory.CreateLogger<DispatchService>());
    }

    /// <summary>Closes the queue's connections (its files can then be deleted).</summary>
    public async Task CloseStoreAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Processor?.Dispose();
        await CloseStoreAsync();
        await Plugins.DisposeAsync();
    }
}
