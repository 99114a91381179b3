using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Http;
using TriggerPlugins.Host.RateLimits;

namespace TriggerPlugins.Dynamics365.Tests.Http;

/// <summary>The per-user gate on a fake clock, with a scripted Dataverse behind it.</summary>
public sealed class ServiceProtectionHandlerTests
{
    [Fact]
    public void The_limits_are_the_documented_ones_minus_the_margins_the_docs_state()
    {
        // templates/README.md and README.md quote these: 5,700 per 5 minutes, 16 in flight, Retry-After + 1 s.
        Assert.Equal(5_700, ServiceProtectionHandler.RequestsPerWindow);
        Assert.Equal(TimeSpan.FromMinutes(5), ServiceProtectionHandler.Window);
        Assert.Equal(16, ServiceProtectionHandler.MaxConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(1), ServiceProtectionHandler.ReopenMargin);
    }

    [Fact]
    public async Task A_429_holds_every_request_until_Retry_After_plus_the_margin_then_one_request_at_a_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dataverse = new ScriptedDataverse();
        using var client = new HttpClient(new ServiceProtectionHandler(dataverse, time, NullLogger.Instance));
        dataverse.Next = () => Throttled(TimeSpan.FromSeconds(10));

        using var first = await client.GetAsync(new Uri("https://contoso.crm4.dynamics.com/api/data/v9.2/contacts"));
        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(1, dataverse.Received);

        time.Advance(TimeSpan.FromSeconds(10.5));
        using var held = await client.GetAsync(new Uri("https://contoso.crm4.dynamics.com/api/data/v9.2/systemusers"));
        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), held.Headers.RetryAfter!.Delta);
        Assert.Contains("Not sent by the plugin", await held.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, dataverse.Received);

        // Reopened: one request in flight, the next waits for it.
        time.Advance(TimeSpan.FromSeconds(0.5));
        var answer = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        dataverse.Next = () => answer.Task.Result;
        dataverse.Blocking = answer.Task;
        var probe = client.GetAsync(new Uri("https://contoso.crm4.dynamics.com/api/data/v9.2/contacts"));
        var second = client.GetAsync(new Uri("https://contoso.crm4.dynamics.com/api/data/v9.2/contacts"));
        await dataverse.WaitForReceivedAsync(2); // the 429'd request, then the probe
        Assert.Equal(1, dataverse.InFlight);
        Assert.False(second.IsCompleted);
        answer.SetResult(new HttpResponseMessage(HttpStatusCode.OK));
        using var probed = await probe;
        using var followed = await second;
        Assert.Equal(3, dataverse.Received);
        Assert.Equal(1, dataverse.MaxInFlightSinceBlocking);
    }

    [Fact]
    public async Task Two_instances_sharing_the_hosts_budget_send_no_more_than_its_limit_together()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var budget = new InMemorySharedRateLimits(time);
        var dataverse = new ScriptedDataverse();
        // 10 requests per minute: once spent, the wait (about a minute) is too long to wait out, so requests are held.
        using var first = new HttpClient(Handler(dataverse, time, budget), disposeHandler: false);
        using var second = new HttpClient(Handler(dataverse, time, budget), disposeHandler: false);

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => (i % 2 == 0 ? first : second).GetAsync(new Uri("https://contoso.crm4.dynamics.com/api/data/v9.2/contacts"))));

        Assert.Equal(10, dataverse.Received);
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var held = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(20, held.Count);
        Assert.All(held, a => Assert.InRange(a.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(62)));
        Assert.Contains("budget of 10 requests per 60 s is spent", await held[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task A_429_seen_by_one_instance_holds_the_user_in_the_other_from_its_next_block_on()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var budget = new InMemorySharedRateLimits(time);
        var dataverse = new ScriptedDataverse();
        using var first = new HttpClient(Handler(dataverse, time, budget, requestsPerWindow: 5_700, window: TimeSpan.FromMinutes(5)), disposeHandler: false);
        using var second = new HttpClient(Handler(dataverse, time, budget, requestsPerWindow: 5_700, window: TimeSpan.FromMinutes(5)), disposeHandler: false);
        var contacts = new Uri("https://contoso.crm4.dynamics.com/api/data/v9.2/contacts");
        (await second.GetAsync(contacts)).Dispose(); // the second instance holds a block of permits, usable for 1 s

        dataverse.Next = () => Throttled(TimeSpan.FromSeconds(10));
        using var throttled = await first.GetAsync(contacts);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        dataverse.Next = () => new HttpResponseMessage(HttpStatusCode.OK);

        // Past its block's second, the second instance asks the shared budget, finds the user closed, and sends nothing.
        time.Advance(TimeSpan.FromSeconds(1));
        using var held = await second.GetAsync(contacts);
        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        Assert.Contains("seen by another host", await held.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(10), held.Headers.RetryAfter!.Delta); // 10 s + 1 s margin - 1 s passed
        Assert.Equal(2, dataverse.Received);

        time.Advance(TimeSpan.FromSeconds(10));
        using var reopened = await second.GetAsync(contacts);
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        Assert.Equal(3, dataverse.Received);
    }

    [Fact]
    public async Task When_the_shared_budget_cannot_be_read_no_request_is_sent()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dataverse = new ScriptedDataverse();
        using var client = new HttpClient(Handler(dataverse, time, new UnreachableBudget()), disposeHandler: false);

        using var held = await client.GetAsync(new Uri("https://contoso.crm4.dynamics.com/api/data/v9.2/contacts"));

        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        Assert.Equal(ServiceProtectionHandler.UnavailableWait, held.Headers.RetryAfter!.Delta);
        Assert.Contains("the request budget shared by the hosts could not be read (the database is down)", await held.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, dataverse.Received);
    }

    private static ServiceProtectionHandler Handler(HttpMessageHandler dataverse, TimeProvider time, ISharedRateLimits budget, int requestsPerWindow = 10, TimeSpan? window = null)
        => new(dataverse, time, NullLogger.Instance, requestsPerWindow, window ?? TimeSpan.FromMinutes(1), new SharedBudget(budget, "dynamics365 https://contoso.crm4.dynamics.com 2b8f"));

    private sealed class UnreachableBudget : ISharedRateLimits
    {
        public ValueTask<RatePermits> TakeAsync(string key, int wanted, int limit, TimeSpan window, CancellationToken cancellationToken)
            => ValueTask.FromException<RatePermits>(new InvalidOperationException("the database is down"));

        public ValueTask CloseAsync(string key, TimeSpan duration, CancellationToken cancellationToken)
            => ValueTask.FromException(new InvalidOperationException("the database is down"));
    }

    private static HttpResponseMessage Throttled(TimeSpan retryAfter)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(retryAfter);
        return response;
    }

    private sealed class ScriptedDataverse : HttpMessageHandler
    {
        private int _received;
        private int _inFlight;

        public Func<HttpResponseMessage> Next { get; set; } = () => new HttpResponseMessage(HttpStatusCode.OK);

        public Task? Blocking { get; set; }

        public int Received => Volatile.Read(ref _received);

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MaxInFlightSinceBlocking { get; private set; }

        public async Task WaitForReceivedAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (Received < count)
            {
                await Task.Yield();
                timeout.Token.ThrowIfCancellationRequested();
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _received);
            var inFlight = Interlocked.Increment(ref _inFlight);
            try
            {
                if (Blocking is { } blocking)
                {
                    MaxInFlightSinceBlocking = Math.Max(MaxInFlightSinceBlocking, inFlight);
                    await blocking;
                    return new HttpResponseMessage(HttpStatusCode.OK);
                }

                return Next();
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }
}
