using Microsoft.Extensions.Logging;
using TriggerPlugins.Dynamics365.Auth;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Http;
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// Everything one account keeps between calls: its MSAL client and token, its HTTP clients over the
/// plugin's shared (or pinned) handler, and its user cache; the contact cache is the environment's.
/// </summary>
internal sealed class AccountRuntime : IDisposable
{
    private readonly HttpClient _webApi;
    private readonly HttpClient _azureAd;

    /// <param name="contacts">The environment's contact directory, shared by every account of the same weburl.</param>
    public AccountRuntime(AccountSettings account, HttpHandlers handlers, TimeProvider time, ILoggerFactory loggers, ContactDirectory contacts)
    {
        var handler = handlers.For(account.NormalizedThumbprint);
        // The handler is the plugin's: the clients must not dispose it.
        // Every Web API request of the account's user goes through its service-protection pacing and 429 gate. The
        // delegating handler is not disposed: that would dispose the plugin's shared handler inside it.
        ServiceProtection = new ServiceProtectionHandler(handler, time, loggers.CreateLogger<ServiceProtectionHandler>());
        _webApi = new HttpClient(ServiceProtection, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _azureAd = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        Tokens = new AccessTokens(account, _azureAd, time, loggers.CreateLogger<AccessTokens>());
        Client = new DataverseClient(account, _webApi, Tokens, loggers.CreateLogger<DataverseClient>());
        Writer = new TicketWriter(
            Client,
            contacts,
            new UserDirectory(Client, time, loggers.CreateLogger<UserDirectory>()),
            loggers.CreateLogger<TicketWriter>());
    }

    public AccessTokens Tokens { get; }

    public ServiceProtectionHandler ServiceProtection { get; }

    public DataverseClient Client { get; }

    public TicketWriter Writer { get; }

    public void Dispose()
    {
        Tokens.Dispose();
        _webApi.Dispose();
        _azureAd.Dispose();
    }
}
