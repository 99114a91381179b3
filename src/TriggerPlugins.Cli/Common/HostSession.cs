using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Plugins;
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

    private HostSession(PluginCatalog plugins, TriggerConfiguration configuration, ILoggerFactory loggerFactory)
    {
        Plugins = plugins;
        Configuration = configuration;
        LoggerFactory = loggerFactory;
    }

    public PluginCatalog Plugins { get; }

    public TriggerConfiguration Configuration { get; }

    public ILoggerFactory LoggerFactory { get; }

    public IDeliveryStore? Store => _store?.Store;

    public DeliveryProcessor? Processor { get; private set; }

    public DispatchService? Dispatcher { get; private set; }

    /// <summary>Loads the plugins and the config folder (validated by the plugins). Never throws for bad files: see the problems.</summary>
    public static HostSession Open(string pluginsDirectory, string configDirectory, ILoggerFactory loggerFactory)
    {
        var plugins = PluginCatalog.Load(pluginsDirectory, loggerFactory);
        var configuration = ConfigurationLoader.Load(configDirectory, plugins);
        return new HostSession(plugins, configuration, loggerFactory);
    }

    /// <summary>
    /// Opens the durable queue <paramref name="storeSetting"/> names (<c>TRIGGERS_STORE</c>; null: SQLite in
    /// <paramref name="dataDirectory"/>) and wires the engine to it. False when it cannot be opened: the reason is printed.
    /// </summary>
    public async Task<bool> StartDeliveryAsync(string? storeSetting, string dataDirectory, DeliveryOptions options, CancellationToken cancellationToken)
    {
        _store = await StoreSelection.OpenAsync(storeSetting, dataDirectory, LoggerFactory.CreateLogger<PostgreSqlDeliveryStore>(), cancellationToken);
        if (Store is null)
        {
            return false;
        }

        Processor = new DeliveryProcessor(Store, Plugins, Configuration, Options.Create(options), TimeProvider.System, LoggerFactory.CreateLogger<DeliveryProcessor>());
        var engine = new TriggerEngine(Configuration.Triggers, LoggerFactory.CreateLogger<TriggerEngine>());
        Dispatcher = new DispatchService(engine, Store, Processor, TimeProvider.System, LoggerFactory.CreateLogger<DispatchService>());
        return true;
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
