using Microsoft.Extensions.Logging;
using TriggerPlugins.Dynamics365.Auth;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Http;
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// Everything one account keeps between calls: its MSAL client and token, its HTTP clients over the
/// plugin's shared (or pinned) handler, and its contact and user caches.
/// </summary>
internal sealed class AccountRuntime : IDisposable
{
    private readonly HttpClient _webApi;
    private readonly HttpClient _azureAd;

    public AccountRuntime(AccountSettings account, HttpHandlers handlers, TimeProvider time, ILoggerFactory loggers)
    {
        var handler = handlers.For(account.NormalizedThumbprint);
        // The handler is the plugin's: the clients must not dispose it.
        _webApi = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _azureAd = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        Tokens = new AccessTokens(account, _azureAd, time, loggers.CreateLogger<AccessTokens>());
        Client = new DataverseClient(account, _webApi, Tokens, loggers.CreateLogger<DataverseClient>());
        var contacts = new ContactDirectory(Client, time, loggers.CreateLogger<ContactDirectory>());
        Writer = new TicketWriter(
            Client,
            contacts,
            new UserDirectory(Client, time, loggers.CreateLogger<UserDirectory>()),
            loggers.CreateLogger<TicketWriter>());
        Calls = new CallTicketWriter(Client, contacts, Writer, time, loggers.CreateLogger<CallTicketWriter>());
    }

    /// <summary>One ticket per call (<c>ticketPer: call</c>, the default).</summary>
    public CallTicketWriter Calls { get; }

    public AccessTokens Tokens { get; }

    public DataverseClient Client { get; }

    public TicketWriter Writer { get; }

    public void Dispose()
    {
        Tokens.Dispose();
        _webApi.Dispose();
        _azureAd.Dispose();
    }
}
