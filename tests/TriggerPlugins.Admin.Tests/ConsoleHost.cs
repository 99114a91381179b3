using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TriggerPlugins.Admin.Users;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Admin.Tests;

/// <summary>
/// The console mounted on a real Kestrel host on 127.0.0.1 (free port), as a service mounts it: the plugin loaded from
/// its folder, a SQLite queue, an empty config folder, and a minimal events endpoint that runs the triggers (the
/// service's own intake is the always-on service's). Reloads its triggers when the console saves, and runs retried
/// deliveries at once, so a test sees their outcome on the next page load.
/// </summary>
internal sealed class ConsoleHost : IAdminConsoleEvents, IAsyncDisposable
{
    public const string UserName = "admin";
    public const string Password = "a long admin password";

    private readonly ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private WebApplication _app = null!;
    private SqliteDeliveryStore _store = null!;
    private PluginCatalog _plugins = null!;
    private DeliveryProcessor? _processor;
    private DispatchService? _dispatcher;

    public string Root { get; } = Directory.CreateTempSubdirectory("admin-console-").FullName;

    public string ConfigDirectory => Path.Combine(Root, "config");

    public string DataDirectory => Path.Combine(Root, "data");

    public Uri BaseUri { get; private set; } = null!;

    public int Reloads { get; private set; }

    public IDeliveryStore Store => _store;

    public static async Task<ConsoleHost> StartAsync(Func<string, string?>? environment = null)
    {
        var host = new ConsoleHost();
        await host.InitializeAsync(environment ?? (_ => null));
        return host;
    }

    public Task ConfigurationSavedAsync(CancellationToken cancellationToken)
    {
        Reload();
        return Task.CompletedTask;
    }

    public async Task DeliveriesRetriedAsync(IReadOnlyList<string> deliveryIds, CancellationToken cancellationToken)
    {
        foreach (var id in deliveryIds)
        {
            await _processor!.RunToCompletionAsync(id, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _processor?.Dispose();
        _store.Dispose();
        await _plugins.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    private async Task InitializeAsync(Func<string, string?> environment)
    {
        foreach (var folder in new[] { ConfigurationLoader.AccountsFolder, ConfigurationLoader.ConfigurationsFolder, ConfigurationLoader.TriggersFolder })
        {
            Directory.CreateDirectory(Path.Combine(ConfigDirectory, folder));
        }

        _plugins = PluginCatalog.Load(Path.Combine(AppContext.BaseDirectory, "plugins"), _loggerFactory);
        _store = await SqliteDeliveryStore.OpenAsync(DataDirectory);
        await new AdminUserStore(DataDirectory, TimeProvider.System).AddAsync(UserName, Password, default);
        _environment = environment;
        Reload();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        if (Environment.GetEnvironmentVariable("TRIGGERS_TEST_LOG") is null)
        {
            builder.Logging.ClearProviders();
        }

        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(_plugins);
        builder.Services.AddSingleton<IDeliveryStore>(_store);
        builder.Services.AddSingleton<IAdminConsoleEvents>(this);
        builder.Services.AddAdminConsole(options =>
        {
            options.ConfigDirectory = ConfigDirectory;
            options.DataDirectory = DataDirectory;
            options.Environment = environment;
        });
        _app = builder.Build();
        _app.MapAdminConsole();
        _app.MapPost("/api/v1/events", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            using var reader = new StreamReader(request.Body);
            var parsed = CallEventReader.Parse((await reader.ReadToEndAsync(cancellationToken)).ReplaceLineEndings(" "), 1);
            if (parsed.Event is not { } callEvent)
            {
                return Results.BadRequest(new { error = parsed.Error });
            }

            var results = await _dispatcher!.DispatchAsync(callEvent, cancellationToken);
            return Results.Json(results.Select(r => new { r.Delivery.Id, Status = r.Delivery.Status.ToString(), r.Delivery.Number }));
        });
        await _app.StartAsync();
        BaseUri = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private Func<string, string?> _environment = _ => null;

    private void Reload()
    {
        var configuration = ConfigurationLoader.Load(ConfigDirectory, _plugins, _environment);
        _processor?.Dispose();
        _processor = new DeliveryProcessor(_store, _plugins, configuration, Options.Create(new DeliveryOptions { Deadline = TimeSpan.FromSeconds(5) }), TimeProvider.System, _loggerFactory.CreateLogger<DeliveryProcessor>());
        _dispatcher = new DispatchService(new TriggerEngine(configuration.Triggers, _loggerFactory.CreateLogger<TriggerEngine>()), _store, _processor, TimeProvider.System, _loggerFactory.CreateLogger<DispatchService>());
        Reloads++;
    }
}
