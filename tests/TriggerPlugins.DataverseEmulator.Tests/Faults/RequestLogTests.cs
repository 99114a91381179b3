using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using System.Text.Json.Nodes;
using TriggerPlugins.DataverseEmulator.Tests.Support;

namespace TriggerPlugins.DataverseEmulator.Tests.Faults;

/// <summary>The request log: what tests and benchmarks count requests with.</summary>
public sealed class RequestLogTests
{
    [Fact]
    public async Task Every_request_is_recorded_with_method_path_query_status_and_caller()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var client = await EmulatorClient.ForApplicationAsync(emulator);
        using var anonymous = EmulatorClient.Anonymous(emulator);

        using (await client.GetAsync("contacts?$select=fullname&$top=1"))
        using (await client.PostAsync("contacts", new JsonObject { ["lastname"] = "Logged" }))
        using (await anonymous.GetAsync("WhoAmI"))
        {
        }

        var log = emulator.Requests.Snapshot();
        Assert.Equal(4, log.Count);
        Assert.Equal(("POST", $"/{Demo.TenantId}/oauth2/v2.0/token", "", 200, Demo.ClientId), (log[0].Method, log[0].Path, log[0].Query, log[0].Status, log[0].Caller));
        Assert.Equal(("GET", "/api/data/v9.2/contacts", "?$select=fullname&$top=1", 200, Demo.ClientId), (log[1].Method, log[1].Path, log[1].Query, log[1].Status, log[1].Caller));
        Assert.Equal(("POST", 204), (log[2].Method, log[2].Status));
        Assert.Equal((401, (string?)null), (log[3].Status, log[3].Caller));
        Assert.All(log, r => Assert.InRange(r.At, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Clear_forgets_what_was_recorded()
    {
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions());
        using var client = await EmulatorClient.ForApplicationAsync(emulator);

        emulator.Requests.Clear();
        using (await client.GetAsync("WhoAmI"))
        {
        }

        Assert.Equal("/api/data/v9.2/WhoAmI", Assert.Single(emulator.Requests.Snapshot()).Path);
    }

    [Fact]
    public async Task Debug_log_has_one_line_per_request_and_no_secret()
    {
        var sink = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(sink)).SetMinimumLevel(LogLevel.Debug));
        await using var emulator = await DataverseEmulator.StartAsync(new EmulatorOptions(), factory);
        using var client = await EmulatorClient.ForUserAsync(emulator);
        using (await client.GetAsync("WhoAmI"))
        {
        }

        var lines = sink.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Contains(lines, l => l.Contains("GET /api/data/v9.2/WhoAmI -> 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"POST /{Demo.TenantId}/oauth2/v2.0/token -> 200", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(Demo.Password, StringComparison.Ordinal) || l.Contains(Demo.ClientSecret, StringComparison.Ordinal) || l.Contains(client.Token!, StringComparison.Ordinal));
    }
}
