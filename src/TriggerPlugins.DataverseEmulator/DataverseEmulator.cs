using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TriggerPlugins.DataverseEmulator.Data;
using TriggerPlugins.DataverseEmulator.Faults;
using TriggerPlugins.DataverseEmulator.Hosting;
using TriggerPlugins.DataverseEmulator.Identity;
using TriggerPlugins.DataverseEmulator.WebApi;

namespace TriggerPlugins.DataverseEmulator;

/// <summary>
/// A local Dynamics 365 organization (Dataverse Web API v9.2) and Azure AD token endpoint on one HTTPS address on
/// 127.0.0.1: <see cref="BaseUri"/> is both the account's weburl and its authority host.
/// </summary>
public sealed class DataverseEmulator : IAsyncDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly Task<EmulatorRouter> _router;
    private readonly SemaphoreSlim _listening = new(1, 1);
    private WebApplication? _app;

    private DataverseEmulator(WebApplication app, X509Certificate2 certificate, ILoggerFactory? loggerFactory, Task<EmulatorRouter> router, Uri baseUri, EmulatorFaults faults, RequestLog requests, EmulatorStore store, Guid organizationTenantId)
    {
        _app = app;
        _certificate = certificate;
        _loggerFactory = loggerFactory;
        _router = router;
        BaseUri = baseUri;
        Faults = faults;
        Requests = requests;
        Store = store;
        OrganizationTenantId = organizationTenantId;
        CertificateThumbprint = EmulatorCertificate.ThumbprintOf(certificate);
    }

    /// <summary><c>https://127.0.0.1:{port}/</c>: the Web API lives under <c>api/data/v9.2/</c>, Azure AD under <c>{tenant}/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>SHA-256 thumbprint of the emulator's self-signed certificate: upper-case hex, no separators.</summary>
    public string CertificateThumbprint { get; }

    /// <summary>The faults in force; change them at any time.</summary>
    public EmulatorFaults Faults { get; }

    /// <summary>Every request received.</summary>
    public RequestLog Requests { get; }

    /// <summary>The records, for assertions.</summary>
    public EmulatorStore Store { get; }

    /// <summary>
    /// Requests that arrived while their user's service protection window was open (after a 429 of the number-of-requests
    /// limit, before its Retry-After passed): a client that honours Retry-After for the whole user keeps this at 0.
    /// </summary>
    public int RequestsIntoOpenWindow => _budget?.RequestsIntoOpenWindow ?? 0;

    private ServiceProtectionBudget? _budget;

    /// <summary>The tenant that owns the organization; tokens from other tenants are refused by the Web API.</summary>
    public Guid OrganizationTenantId { get; }

    /// <summary>Starts the emulator and returns once it listens.</summary>
    /// <exception cref="EmulatorSeedException">The seed file or seed object is not valid; the message says where.</exception>
    public static async Task<DataverseEmulator> StartAsync(EmulatorOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = options.Clock;
        var (seed, source) = options.Seed is { } given ? (given, "the seed object")
            : options.SeedFile is { } file ? (EmulatorSeed.LoadFile(file), $"file '{file}'")
            : (EmulatorSeed.Demo(), "the built-in demo seed");
        var tickets = new TicketNumberGenerator(options.RandomSeed is { } ticketSeed ? unchecked(ticketSeed + 1) : null);
        var state = EmulatorSetup.Build(seed, source, clock, tickets);

        var faults = new EmulatorFaults();
        if (options.Faults is { } initial)
        {
            faults.CopyFrom(initial);
        }

        // The certificate follows the real clock even when tests fake the clock of tokens and budgets.
        var certificate = EmulatorCertificate.Create(TimeProvider.System);
        var router = new TaskCompletionSource<EmulatorRouter>(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = Listen(options.Port, certificate, loggerFactory, router.Task);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            certificate.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var baseUri = new Uri($"https://127.0.0.1:{new Uri(address).Port}/");
        var requests = new RequestLog();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DataverseEmulator>();
        var tokens = new TokenService(baseUri, clock);
        var organization = state.OrganizationTenant.TenantId;
        var webApiRoot = new Uri(baseUri, WebApiEndpoint.Root);
        var budget = new ServiceProtectionBudget(clock);
        var webApi = new WebApiEndpoint(
            faults,
            new FaultInjector(options.RandomSeed),
            budget,
            new CallerResolver(tokens, state.Store, organization, baseUri),
            state.Store,
            new RecordFactory(state.Store.Schemas, webApiRoot, clock, tickets),
            webApiRoot,
            organization);
        router.SetResult(new EmulatorRouter(
            webApi,
            new TokenEndpoint(state.Directory, tokens, faults, options.TokenLifetime, clock, baseUri),
            new DiscoveryEndpoints(state.Directory, baseUri),
            requests,
            clock,
            logger));
        var emulator = new DataverseEmulator(app, certificate, loggerFactory, router.Task, baseUri, faults, requests, state.Store, organization) { _budget = budget };
        Log.Listening(logger, baseUri, emulator.CertificateThumbprint);
        return emulator;
    }

    /// <summary>
    /// An HTTP handler that trusts exactly this emulator's certificate (pinned by thumbprint) and the normal
    /// certificate checks for everything else; use it for HttpClient or MSAL's HTTP client factory.
    /// </summary>
    public HttpMessageHandler CreateHttpMessageHandler()
    {
        var thumbprint = CertificateThumbprint;
        return new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => EmulatorCertificate.IsPinned(certificate, errors, thumbprint) },
        };
    }

    /// <summary>
    /// A Dynamics outage as clients see it: the emulator stops listening, so connections to <see cref="BaseUri"/> are
    /// refused (token endpoint and Web API alike), until <see cref="GoOnlineAsync"/>. Records, faults, the request log and
    /// the certificate are kept, as a real organization keeps its data through an outage.
    /// </summary>
    public async Task GoOfflineAsync()
    {
        await _listening.WaitAsync();
        try
        {
            if (_app is { } app)
            {
                _app = null;
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            _listening.Release();
        }
    }

    /// <summary>Listens again on the same port with the same certificate, after <see cref="GoOfflineAsync"/>.</summary>
    public async Task GoOnlineAsync(CancellationToken cancellationToken = default)
    {
        await _listening.WaitAsync(cancellationToken);
        try
        {
            if (_app is null)
            {
                var app = Listen(BaseUri.Port, _certificate, _loggerFactory, _router);
                await app.StartAsync(cancellationToken);
                _app = app;
            }
        }
        finally
        {
            _listening.Release();
        }
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await GoOfflineAsync();
        _listening.Dispose();
        _certificate.Dispose();
    }

    // Kestrel on 127.0.0.1:port with the certificate; every request goes to the router (set once the port is known).
    private static WebApplication Listen(int port, X509Certificate2 certificate, ILoggerFactory? loggerFactory, Task<EmulatorRouter> router)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(DataverseEmulator).Assembly.GetName().Name });
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(certificate));
        });
        // Going offline drops the connections of requests still running after this, as an outage does.
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedLifetime>();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory ?? NullLoggerFactory.Instance));
        // ASP.NET Core's per-request and host lifetime lines would duplicate the emulator's own.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        // A failed start (port in use) is thrown to the caller, who says it in one line: the host's own error log with
        // its stack trace would only repeat it.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);

        var app = builder.Build();
        app.Run(async context => await (await router).HandleAsync(context));
        return app;
    }
}
