using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Auth;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Http;
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// Everything one account keeps between calls: one <see cref="UserChannel"/> per Dynamics user it signs in as (its own
/// clientId, then each of its <c>applicationUsers</c>), and its agent cache; the contact cache is the environment's.
/// Tickets are spread over the users round-robin, skipping a user closed by a 429 while another is open.
/// </summary>
internal sealed class AccountRuntime : IDisposable
{
    private readonly HttpClient _azureAd;
    private readonly UserChannel[] _users;
    private int _next = -1;

    /// <param name="contacts">The environment's contact directory, shared by every account of the same weburl.</param>
    /// <param name="sharedRateLimits">The host's request budgets shared with the other hosts, or null (an older host): each user is paced in this process.</param>
    public AccountRuntime(AccountSettings account, HttpHandlers handlers, TimeProvider time, ILoggerFactory loggers, ContactDirectory contacts, ISharedRateLimits? sharedRateLimits = null)
    {
        var handler = handlers.For(account.NormalizedThumbprint);
        // The handler is the plugin's: the clients must not dispose it.
        _azureAd = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var agents = new UserDirectory(time, loggers.CreateLogger<UserDirectory>());
        _users = [.. account.Users().Select(user => new UserChannel(user, handler, _azureAd, time, loggers, contacts, agents, SharedBudget.For(sharedRateLimits, user)))];
    }

    /// <summary>The account's users, its own first.</summary>
    public IReadOnlyList<UserChannel> Users => _users;

    /// <summary>The user for the next ticket: the next in turn that is not closed by a 429 (the next in turn when all are).</summary>
    public UserChannel Next()
    {
        if (_users.Length == 1)
        {
            return _users[0];
        }

        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)_users.Length);
        for (var i = 0; i < _users.Length; i++)
        {
            var user = _users[(start + i) % _users.Length];
            if (!user.ServiceProtection.IsClosed)
            {
                return user;
            }
        }

        return _users[start];
    }

    public void Dispose()
    {
        foreach (var user in _users)
        {
            user.Dispose();
        }

        _azureAd.Dispose();
    }
}

/// <summary>One Dynamics user of an account: its token, its service protection gate, its Web API client and ticket writer.</summary>
internal sealed class UserChannel : IDisposable
{
    private readonly HttpClient _webApi;

    public UserChannel(AccountSettings user, HttpMessageHandler handler, HttpClient azureAd, TimeProvider time, ILoggerFactory loggers, ContactDirectory contacts, UserDirectory agents, SharedBudget? sharedBudget)
    {
        // Every Web API request of the user goes through its service-protection pacing and 429 gate. The delegating
        // handler is not disposed: that would dispose the plugin's shared handler inside it.
        var scale = user.ServiceProtectionTimeScale;
        ServiceProtection = new ServiceProtectionHandler(
            handler, time, loggers.CreateLogger<ServiceProtectionHandler>(),
            requestsPerWindow: (int)Math.Ceiling(ServiceProtectionHandler.RequestsPerWindow / (double)scale),
            window: ServiceProtectionHandler.Window / scale,
            shared: sharedBudget);
        Tokens = new AccessTokens(user, azureAd, time, loggers.CreateLogger<AccessTokens>());
        var clientLogger = loggers.CreateLogger<DataverseClient>();
        _webApi = new HttpClient(DataverseClient.Pipeline(Tokens, ServiceProtection, clientLogger), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        Client = new DataverseClient(user, _webApi, time, clientLogger);
        Writer = new TicketWriter(Client, contacts, agents, loggers.CreateLogger<TicketWriter>());
        Calls = new CallTicketWriter(Client, contacts, Writer, time, loggers.CreateLogger<CallTicketWriter>());
        ClientId = user.ClientId;
    }

    public string? ClientId { get; }

    public AccessTokens Tokens { get; }

    public ServiceProtectionHandler ServiceProtection { get; }

    public DataverseClient Client { get; }

    public TicketWriter Writer { get; }

    /// <summary>One ticket per call (<c>ticketPer: call</c>, the default).</summary>
    public CallTicketWriter Calls { get; }

    public void Dispose()
    {
        Writer.Dispose();
        Tokens.Dispose();
        _webApi.Dispose();
    }
}
