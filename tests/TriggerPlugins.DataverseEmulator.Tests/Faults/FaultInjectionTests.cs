using System.Diagnostics;
using System.Net;
using TriggerPlugins.DataverseEmulator.Tests.Support;

namespace TriggerPlugins.DataverseEmulator.Tests.Faults;

/// <summary>Each injected fault, as a client sees it and as the request log records it.</summary>
public sealed class FaultInjectionTests
{
    [Fact]
    public async Task Too_many_requests_rate_answers_429_with_retry_after()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var client = await EmulatorClient.ForApplicationAsync(emulator);
        emulator.Faults.TooManyRequestsRate = 1;
        emulator.Faults.RetryAfter = TimeSpan.FromSeconds(7);

        using var response = await client.GetAsync("WhoAmI");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal("0x80072321", (await EmulatorClient.ErrorOf(response)).Code);
    }

    [Fact]
    public async Task Server_error_rate_answers_503()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions { Faults = new EmulatorFaults { ServerErrorRate = 1 } });
        using var client = await EmulatorClient.ForApplicationAsync(emulator);

        using var response = await client.GetAsync("contacts");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("0x80040216", (await EmulatorClient.ErrorOf(response)).Code);
    }

    [Fact]
    public async Task Dropped_connection_gives_no_response_and_is_logged_with_status_0()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var client = await EmulatorClient.ForApplicationAsync(emulator);
        emulator.Faults.DropConnectionRate = 1;

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("contacts"));

        var dropped = emulator.Requests.Snapshot().Single(r => r.Path == "/api/data/v9.2/contacts");
        Assert.Equal(0, dropped.Status);
    }

    [Fact]
    public async Task Offline_refuses_connections_and_online_again_serves_the_same_records_under_the_same_certificate()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var client = await EmulatorClient.ForApplicationAsync(emulator);
        var contacts = (await client.QueryAsync("contacts?$select=telephone1")).Count;
        Assert.True(contacts > 0);

        await emulator.GoOfflineAsync();
        using (var fresh = new HttpClient(emulator.CreateHttpMessageHandler()) { BaseAddress = emulator.BaseUri })
        {
            // Nothing listens: the connection itself is refused, as when Dynamics is unreachable.
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => fresh.GetAsync("api/data/v9.2/contacts"));
            Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, Assert.IsType<System.Net.Sockets.SocketException>(refused.InnerException).SocketErrorCode);
        }

        await emulator.GoOnlineAsync();
        using var again = await EmulatorClient.ForApplicationAsync(emulator);
        Assert.Equal(contacts, (await again.QueryAsync("contacts?$select=telephone1")).Count);
    }

    [Fact]
    public async Task Service_protection_budget_is_per_caller_and_answers_429_when_spent()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions
        {
            Faults = new EmulatorFaults { ServiceProtectionLimit = 3, ServiceProtectionWindow = TimeSpan.FromMinutes(5) },
        });
        using var app = await EmulatorClient.ForApplicationAsync(emulator);
        using var user = await EmulatorClient.ForUserAsync(emulator);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await app.GetAsync("WhoAmI");
            statuses.Add(response.StatusCode);
            if (i == 3)
            {
                Assert.Equal((429, "0x80072322", "Number of requests exceeded the limit of 3 over time window of 300 seconds."), await EmulatorClient.ErrorOf(response));
                Assert.InRange(response.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(300));
            }
        }

        using var otherCaller = await user.GetAsync("WhoAmI");
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, otherCaller.StatusCode);
    }

    [Fact]
    public async Task Latency_delays_each_web_api_answer_at_least_that_long()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var client = await EmulatorClient.ForApplicationAsync(emulator);
        emulator.Faults.Latency = TimeSpan.FromMilliseconds(300);

        var elapsed = Stopwatch.StartNew();
        using var response = await client.GetAsync("WhoAmI");
        elapsed.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Task.Delay's timers count whole milliseconds of Environment.TickCount64, so a 300 ms delay can end up to 1 ms
        // early by the Stopwatch (one run answered after 298.99 ms); without the latency the answer takes a few ms.
        Assert.True(elapsed.Elapsed >= TimeSpan.FromMilliseconds(295), $"answered after {elapsed.Elapsed}");
    }

    [Theory]
    [InlineData(1.0, 0.0, 0.0)]
    [InlineData(0.0, 1.0, 0.0)]
    [InlineData(0.0, 0.0, 1.0)]
    public async Task Faults_leave_the_token_endpoint_alone(double dropConnectionRate, double tooManyRequestsRate, double serverErrorRate)
    {
        // Each fault at rate 1: were the token endpoint faulted, getting a token would fail every time, not now and then.
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions
        {
            Faults = new EmulatorFaults { DropConnectionRate = dropConnectionRate, TooManyRequestsRate = tooManyRequestsRate, ServerErrorRate = serverErrorRate },
        });

        using var client = await EmulatorClient.ForApplicationAsync(emulator);

        Assert.NotNull(client.Token);
        // The faults are on: the Web API gets them.
        var answered = await Record.ExceptionAsync(async () =>
        {
            using var response = await client.GetAsync("WhoAmI");
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        });
        Assert.True(answered is null or HttpRequestException, answered?.ToString());
        var tokenRequests = emulator.Requests.Snapshot().Where(r => r.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(tokenRequests);
        Assert.All(tokenRequests, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task Same_random_seed_gives_the_same_faults()
    {
        async Task<int[]> RunAsync()
        {
            await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions
            {
                RandomSeed = 42,
                Faults = new EmulatorFaults { TooManyRequestsRate = 0.3, ServerErrorRate = 0.3 },
            });
            using var client = await EmulatorClient.ForApplicationAsync(emulator);
            var statuses = new int[20];
            for (var i = 0; i < statuses.Length; i++)
            {
                using var response = await client.GetAsync("WhoAmI");
                statuses[i] = (int)response.StatusCode;
            }

            return statuses;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains(200, first);
        Assert.Contains(first, s => s is 429 or 503);
    }

    [Fact]
    public void Fault_settings_are_validated()
    {
        var faults = new EmulatorFaults();

        Assert.Throws<ArgumentOutOfRangeException>(() => faults.TooManyRequestsRate = 1.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => faults.ServiceProtectionLimit = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => faults.Latency = TimeSpan.FromSeconds(-1));
    }
}
