using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.Dynamics365.Http;

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
