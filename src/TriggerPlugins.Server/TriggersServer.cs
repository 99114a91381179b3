using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Admin;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Intake;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Server.Api;
using TriggerPlugins.Server.Security;
using TriggerPlugins.Server.Services;
using TriggerPlugins.Storage.PostgreSql;

namespace TriggerPlugins.Server;

/// <summary>
/// `triggers serve`: the Generic Host with Kestrel, holding the data folder's lock for its lifetime. Intake
/// (<see cref="EventIntake"/>) and delivery (<see cref="DeliveryWorkers"/>) share only the store: an event is
/// answered once its deliveries are on disk, and workers deliver when each account's Dynamics can take it.
/// </summary>
public sealed class TriggersServer : IAsyncDisposable
{
    private readonly DataFolderLock _lock;
    private readonly OpenedDeliveryStore _store;

    private TriggersServer(WebApplication app, DataFolderLock folderLock, OpenedDeliveryStore store)
    {
        App = app;
        _lock = folderLock;
        _store = store;
    }

    /// <summary>The web application (add routes before <see cref="RunAsync"/>, e.g. an admin console).</summary>
    public WebApplication App { get; }

    /// <summary>
    /// Checks the options, takes the data folder's lock, opens the store, loads the plugins and the config folder, and
    /// builds the app. A user mistake (bad option, folder in use, invalid config, no API key) throws
    /// <see cref="ServerStartException"/> with every problem, one line each; nothing is left running.
    /// </summary>
    public static async Task<TriggersServer> CreateAsync(ServerOptions options, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ServerStartException(problems);
        }

        if (!Directory.Exists(options.ConfigDirectory))
        {
            throw new ServerStartException([$"config folder '{Path.GetFullPath(options.ConfigDirectory)}' does not exist; give --config the folder holding accounts/, configurations/ and triggers/."]);
        }

        ApiKeys keys;
        try
        {
            keys = ApiKeys.Load(options.DataDirectory, options.EnvironmentApiKey, options.AllowAnonymousLoopback);
        }
        catch (InvalidDataException exception)
        {
            throw new ServerStartException([exception.Message]);
        }

        if (keys.Count == 0 && !keys.AllowAnonymousLoopback)
        {
            throw new ServerStartException([$"no API key: set {ServerOptions.ApiKeyVariable}, add a managed key with `triggers serve add-key --data {options.DataDirectory} --name <name>`, or allow keyless requests from this machine with --allow-anonymous-loopback."]);
        }

        DataFolderLock folderLock;
        try
        {
            folderLock = DataFolderLock.Acquire(options.DataDirectory);
        }
        catch (DataFolderLockedException exception)
        {
            throw new ServerStartException([exception.Message]);
        }

        OpenedDeliveryStore? store = null;
        WebApplication? app = null;
        try
        {
            try
            {
                store = await DeliveryStores.OpenAsync(options.Store, options.DataDirectory, DeliveryStoreOpenMode.CreateIfMissing, logger: null, cancellationToken);
            }
            catch (DeliveryStoreException exception)
            {
                throw new ServerStartException([exception.Message]);
            }

            app = Build(options, keys, store, logging);
            var plugins = app.Services.GetRequiredService<PluginCatalog>();
            if (plugins.Plugins.Count == 0)
            {
                throw new ServerStartException([$"no plugin loaded from '{options.PluginsDirectory}'", .. plugins.Failures.Select(f => $"plugin {f}")]);
            }

            var configuration = ConfigurationLoader.Load(options.ConfigDirectory, plugins);
            if (configuration.HasErrors)
            {
                throw new ServerStartException([.. configuration.Problems.Where(p => p.Severity == ValidationSeverity.Error).Select(p => p.ToString()), "the config folder has errors (above); nothing was started. `triggers validate` lists them."]);
            }

            app.Services.GetRequiredService<InitialConfiguration>().Value = configuration;

            // The lock is ours: any delivery in flight was left by a process that died; it is due again now. A shared
            // queue (PostgreSQL) is never reset: other hosts may be running those deliveries; a dead host's leases run out.
            if (!store.Shared)
            {
                var recovered = await store.Store.RecoverInFlightAsync(TimeProvider.System.GetUtcNow(), cancellationToken);
                if (recovered > 0)
                {
                    Log.Recovered(app.Services.GetRequiredService<ILogger<TriggersServer>>(), recovered);
                }
            }

            return new TriggersServer(app, folderLock, store);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            if (store is not null)
            {
                await store.DisposeAsync();
            }

            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> fires or the host is stopped (SIGTERM, Ctrl+C), then stops gracefully.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await App.StartAsync(cancellationToken);
        var options = App.Services.GetRequiredService<ServerOptions>();
        var logger = App.Services.GetRequiredService<ILogger<TriggersServer>>();
        var urls = string.Join(", ", App.Urls);
        Log.Listening(logger, urls, options.ConfigDirectory, options.DataDirectory);
        await App.WaitForShutdownAsync(cancellationToken);
    }

    /// <summary>Stops and releases everything, the data folder's lock last.</summary>
    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await _store.DisposeAsync();
        _lock.Dispose();
    }

    private static WebApplication Build(ServerOptions options, ApiKeys keys, OpenedDeliveryStore opened, Action<ILoggingBuilder>? logging)
    {
        var store = opened.Store;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Services.AddSystemd();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.Workers.GracePeriod + TimeSpan.FromSeconds(15));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging?.Invoke(builder.Logging);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(keys);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IDeliveryStore>(store);
        services.AddSingleton<ServerState>();
        services.AddSingleton<TriggersMetrics>();
        // The plugins take their request budgets from the store's: in PostgreSQL they are shared with the other hosts on the queue.
        services.AddSingleton(sp => PluginCatalog.Load(options.PluginsDirectory, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>(), opened.RateLimits));

        // CreateAsync loads and checks the config folder once the plugins are loaded, before anything uses it.
        services.AddSingleton<InitialConfiguration>();
        services.AddSingleton(sp => new RunningConfiguration(
            sp.GetRequiredService<InitialConfiguration>().Value ?? throw new InvalidOperationException("The configuration is used before it was loaded."),
            sp.GetRequiredService<PluginCatalog>().Plugins.Select(p => p.Manifest)));
        services.AddSingleton(sp => new DeliveryProcessor(
            store,
            sp.GetRequiredService<PluginCatalog>(),
            () => sp.GetRequiredService<RunningConfiguration>().Configuration,
            Options.Create(options.Delivery),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DeliveryProcessor>>()));
        services.AddSingleton(sp => new DeliveryWorkers(store, sp.GetRequiredService<DeliveryProcessor>(), options.Workers, options.Delivery, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DeliveryWorkers>>()));
        services.AddSingleton(sp => new EventIntake(store, sp.GetRequiredService<RunningConfiguration>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EventIntake>>()));
        services.AddSingleton<ConfigWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigWatcher>());

        // The admin console edits the same config folder; a save reloads at once rather than after the watcher's quiet delay.
        services.AddSingleton<IAdminConsoleEvents, AdminConsoleEvents>();
        services.AddAdminConsole(console =>
        {
            console.ConfigDirectory = options.ConfigDirectory;
            console.DataDirectory = options.DataDirectory;
        });
        services.AddHostedService<WorkerService>();
        services.AddHostedService<QueueSampler>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(TriggersMetrics.MeterName)
            .AddMeter("TriggerPlugins.Dynamics365") // the plugin's Dataverse requests and 429s per environment and user
            .AddPrometheusExporter());

        var app = builder.Build();
        app.Lifetime.ApplicationStopping.Register(app.Services.GetRequiredService<ServerState>().BeginStop);
        app.MapTriggersApi();
        app.MapAdminConsole();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}

/// <summary>What the admin console tells the service: a saved config folder is reloaded now; retried deliveries need nothing (the workers poll the store).</summary>
internal sealed class AdminConsoleEvents(ConfigWatcher watcher) : IAdminConsoleEvents
{
    public Task ConfigurationSavedAsync(CancellationToken cancellationToken)
    {
        watcher.Reload();
        return Task.CompletedTask;
    }

    public Task DeliveriesRetriedAsync(IReadOnlyList<string> deliveryIds, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The configuration CreateAsync loaded and checked, for the <see cref="RunningConfiguration"/> to start with.</summary>
internal sealed class InitialConfiguration
{
    public TriggerConfiguration? Value { get; set; }
}

/// <summary>`triggers serve` could not start because of something the admin can fix; every problem, one line each.</summary>
public sealed class ServerStartException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    /// <summary>The problems.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
