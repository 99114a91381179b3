using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TriggerPlugins.Dynamics365.Http;

namespace TriggerPlugins.Dynamics365.Tests.Http;

/// <summary>The handlers under DataverseClient: the token with its single retry on 401, the OData headers, and Retry-After.</summary>
public sealed class DataversePipelineTests
{
    private static readonly Uri Contacts = new("https://contoso.crm4.dynamics.com/api/data/v9.2/contacts");

    [Fact]
    public async Task A_401_is_sent_once_more_with_a_new_token_and_a_second_401_is_the_answer()
    {
        var tokens = new List<bool>();
        var dataverse = new Recorder(HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK);
        using var client = new HttpClient(new BearerTokenHandler(Token(tokens), NullLogger.Instance) { InnerHandler = dataverse });

        using var response = await client.GetAsync(Contacts);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], dataverse.Authorizations);
        Assert.Equal([false, true], tokens); // the cached token, then a forced new one
    }

    [Fact]
    public async Task A_request_accepted_first_is_sent_once_with_the_cached_token()
    {
        var tokens = new List<bool>();
        var dataverse = new Recorder(HttpStatusCode.OK);
        using var client = new HttpClient(new BearerTokenHandler(Token(tokens), NullLogger.Instance) { InnerHandler = dataverse });

        using var response = await client.PostAsync(Contacts, new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Bearer token-1"], dataverse.Authorizations);
        Assert.Equal([false], tokens);
    }

    [Fact]
    public async Task A_retried_request_carries_its_body_again()
    {
        var dataverse = new Recorder(HttpStatusCode.Unauthorized, HttpStatusCode.OK);
        using var client = new HttpClient(new BearerTokenHandler(Token([]), NullLogger.Instance) { InnerHandler = dataverse });

        using var response = await client.PostAsync(Contacts, new StringContent("{\"firstname\":\"Ada\"}"));

        Assert.Equal(["{\"firstname\":\"Ada\"}", "{\"firstname\":\"Ada\"}"], dataverse.Bodies);
    }

    [Fact]
    public async Task Every_request_carries_the_OData_headers_once()
    {
        var dataverse = new Recorder(HttpStatusCode.OK);
        using var client = new HttpClient(new ODataHeadersHandler { InnerHandler = dataverse });

        using var request = new HttpRequestMessage(HttpMethod.Get, Contacts);
        request.Headers.Add("OData-Version", "3.0");
        using var response = await client.SendAsync(request);

        var headers = Assert.Single(dataverse.Headers);
        Assert.Equal(["4.0"], headers.GetValues("OData-Version"));
        Assert.Equal(["4.0"], headers.GetValues("OData-MaxVersion"));
        Assert.Equal(["application/json"], headers.Accept.Select(a => a.MediaType));
    }

    [Theory]
    [InlineData(12, 12)]
    [InlineData(0, 0)]
    public void Retry_After_in_seconds_is_the_wait(int seconds, int expected)
        => Assert.Equal(TimeSpan.FromSeconds(expected), RetryAfterHeader.Parse(new RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds)), new FakeTimeProvider()));

    [Fact]
    public void Retry_After_as_a_date_is_measured_on_the_plugin_clock_and_never_negative()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var at = new RetryConditionHeaderValue(new DateTimeOffset(2026, 11, 25, 12, 0, 30, TimeSpan.Zero));

        Assert.Equal(TimeSpan.FromSeconds(30), RetryAfterHeader.Parse(at, time));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.Zero, RetryAfterHeader.Parse(at, time));
        Assert.Null(RetryAfterHeader.Parse(null, time));
    }

    private static Func<bool, CancellationToken, Task<string>> Token(List<bool> asked)
        => (forceNew, _) =>
        {
            asked.Add(forceNew);
            return Task.FromResult($"token-{asked.Count}");
        };

    /// <summary>Answers with the given statuses in turn, recording what each request carried.</summary>
    private sealed class Recorder(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        public List<string> Authorizations { get; } = [];

        public List<string> Bodies { get; } = [];

        public List<HttpRequestHeaders> Headers { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorizations.Add(request.Headers.Authorization?.ToString() ?? string.Empty);
            Headers.Add(request.Headers);
            if (request.Content is not null)
            {
                Bodies.Add(await request.Content.ReadAsStringAsync(cancellationToken));
            }

            return new HttpResponseMessage(statuses[Authorizations.Count - 1]);
        }
    }
}
