using System.Net;
using System.Text;
using System.Text.Json;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Intake;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Server.Tests;

/// <summary>Issue #13: `triggers serve` over real HTTP on loopback, real SQLite, the real plugin against the emulator.</summary>
[Collection(ServerTestGroup.Name)]
public sealed class ServerApiTests(ServerFixture fixture)
{
    // The first six sample calls (demo-0001..demo-0006): five matched (one by two triggers), one matching nothing.
    private static readonly string SampleEvents = string.Join('\n', File.ReadLines(Path.Combine(TriggersProcess.SamplesDirectory, "events", "calls.ndjson")).Take(6));

    [Fact]
    public async Task Posted_events_are_answered_with_their_planned_deliveries_then_delivered_and_a_repost_is_idempotent()
    {
        await using var server = await ServerFixture.StartAsync();

        using var response = await PostAsync(server, SampleEvents);
        var body = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var events = body.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(6, events.Count);
        Assert.Equal("no-match", events[5].GetProperty("status").GetString());
        var ids = events.Take(5).SelectMany(e => e.GetProperty("deliveries").EnumerateArray()).Select(d => d.GetProperty("id").GetString()).ToList();
        Assert.Equal(6, ids.Count);
        Assert.Equal("inbound-answered", events[0].GetProperty("deliveries")[0].GetProperty("trigger").GetString());

        await WaitUntilAsync(async () => (await ListAsync(server, "status=succeeded")).Count == 6, "the 6 deliveries succeeded");
        var tickets = Tickets();

        using var again = await PostAsync(server, SampleEvents);
        var repeated = (await JsonAsync(again)).GetProperty("events").EnumerateArray().Take(5).ToList();
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.All(repeated, e => Assert.Equal("already-accepted", e.GetProperty("status").GetString()));
        Assert.Equal(ids, repeated.SelectMany(e => e.GetProperty("deliveries").EnumerateArray()).Select(d => d.GetProperty("id").GetString()));
        Assert.Equal(tickets, Tickets());
    }

    [Fact]
    public async Task A_batch_with_bad_lines_answers_400_with_each_lines_problem_and_still_accepts_the_good_events()
    {
        await using var server = await ServerFixture.StartAsync();
        var good = SampleEvents.Split('\n')[0].Replace("demo-0001", "batch-good", StringComparison.Ordinal);
        var wrongKind = good.Replace("batch-good", "batch-bad", StringComparison.Ordinal).Replace("\"call-end\"", "\"hangup\"", StringComparison.Ordinal);

        using var response = await PostAsync(server, $"{good}\n{{ not json\n{wrongKind}\n");
        var events = (await JsonAsync(response)).GetProperty("events").EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("accepted", events[0].GetProperty("status").GetString());
        Assert.StartsWith("line 2, column", events[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("kind", events[2].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(await ListAsync(server, ""));
    }

    [Fact]
    public async Task An_event_id_posted_again_with_other_content_is_a_409_conflict_and_changes_nothing()
    {
        await using var server = await ServerFixture.StartAsync();
        var first = SampleEvents.Split('\n')[0].Replace("demo-0001", "conflict-1", StringComparison.Ordinal);
        using (var accepted = await PostAsync(server, first))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using var conflict = await PostAsync(server, first.Replace("Mario Rossi", "Maria Rossa", StringComparison.Ordinal));
        var body = await JsonAsync(conflict);

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("conflict", body.GetProperty("events")[0].GetProperty("status").GetString());
        Assert.Contains("send changes under a new event id", body.GetProperty("events")[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(await ListAsync(server, ""));
    }

    [Fact]
    public async Task Requests_without_a_valid_key_get_401_and_anonymous_intake_works_only_when_turned_on()
    {
        await using var server = await ServerFixture.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = server.Client.BaseAddress };

        using var none = await anonymous.PostAsync("/api/v1/events", new StringContent("{}"));
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/deliveries") { Headers = { { "Authorization", "Bearer not-the-key" } } };
        using var wrongAnswer = await anonymous.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("Authorization: Bearer", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAnswer.StatusCode);
        Assert.DoesNotContain("not-the-key", await wrongAnswer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var open = await ServerFixture.StartAsync(anonymous: true, key: null);
        using var accepted = await open.Client.PostAsync("/api/v1/events", new StringContent(SampleEvents.Split('\n')[5]));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Fact]
    public async Task Oversized_bodies_too_many_events_and_overlong_lines_are_refused_with_a_clear_message()
    {
        await using var server = await ServerFixture.StartAsync(configure: o => { o.MaxBodyBytes = 64 * 1024; o.MaxEventsPerRequest = 3; o.MaxLineLength = 8 * 1024; });
        var line = SampleEvents.Split('\n')[5];

        using var tooBig = await PostAsync(server, new string(' ', 70 * 1024) + line);
        using var tooMany = await PostAsync(server, string.Join('\n', Enumerable.Repeat(line, 4)));
        using var longLine = await PostAsync(server, line.Replace("\"queue\"", $"\"x\": \"{new string('x', 10 * 1024)}\", \"queue\"", StringComparison.Ordinal) + "\n" + line);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Contains("larger than 65536 bytes", await tooBig.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.Contains("at most 3", await tooMany.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, longLine.StatusCode);
        Assert.Contains("characters, more than the", await longLine.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_config_change_keeps_the_previous_config_and_readyz_says_so_until_it_is_fixed()
    {
        var config = CopySamples();
        await using var server = await ServerFixture.StartAsync(config: config);
        using (var ready = await server.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var trigger = Directory.GetFiles(Path.Combine(config, "triggers"), "*.json").First();
        var original = await File.ReadAllTextAsync(trigger);
        await File.WriteAllTextAsync(trigger, "{ \"on\": [\"call-end\"], \"actions\": [ { \"plugin\": \"dynamics365\", \"account\": \"nobody\", \"configuration\": \"default\" } ] }");

        await WaitUntilAsync(async () => (await server.Client.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, "readyz reported the refused reload");
        var reasons = await (await server.Client.GetAsync("/readyz")).Content.ReadAsStringAsync();
        Assert.Contains("previous config is still in force", reasons, StringComparison.Ordinal);
        Assert.Contains("nobody", reasons, StringComparison.Ordinal);
        using (var stillWorks = await PostAsync(server, SampleEvents.Split('\n')[0]))
        {
            Assert.Equal(HttpStatusCode.Accepted, stillWorks.StatusCode);
        }

        await File.WriteAllTextAsync(trigger, original);
        await WaitUntilAsync(async () => (await server.Client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "readyz is ready again after the fix");
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_folder_is_refused_naming_the_folder_and_the_holders_pid()
    {
        await using var first = await ServerFixture.StartAsync();

        var refused = await Assert.ThrowsAsync<ServerStartException>(() => ServerFixture.StartAsync(data: first.Data));

        Assert.Contains(Path.GetFullPath(first.Data), refused.Message, StringComparison.Ordinal);
        Assert.Contains($"pid {Environment.ProcessId}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliveries_can_be_listed_by_filter_retried_and_discarded_and_metrics_count_them()
    {
        await using var server = await ServerFixture.StartAsync();
        fixture.Emulator.Faults.ServerErrorRate = 0;
        using (await PostAsync(server, SampleEvents))
        {
        }

        await WaitUntilAsync(async () => (await ListAsync(server, "status=succeeded")).Count == 6, "the deliveries succeeded");
        Assert.Single(await ListAsync(server, "status=succeeded&account=contoso-user"));
        Assert.Empty(await ListAsync(server, "status=succeeded&since=2999-01-01T00:00:00Z"));
        using (var bad = await server.Client.GetAsync("/api/v1/deliveries?status=lost"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        var id = (await ListAsync(server, "status=succeeded"))[0].GetProperty("id").GetString();
        using (var retry = await server.Client.PostAsync($"/api/v1/deliveries/{id}/retry", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, retry.StatusCode);
        }

        using (var discard = await server.Client.DeleteAsync($"/api/v1/deliveries/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, discard.StatusCode);
        }

        using (var many = await server.Client.PostAsync("/api/v1/deliveries/retry?account=contoso", null))
        {
            Assert.Equal(0, (await JsonAsync(many)).GetProperty("retried").GetInt32());
        }

        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("triggers_events_received_total{otel_scope_name=\"TriggerPlugins\",otel_scope_version=\"1.0.0\"} 6", metrics, StringComparison.Ordinal);
        Assert.Contains("triggers_deliveries_attempts_total", metrics, StringComparison.Ordinal);
        Assert.Contains("triggers_queue_depth", metrics, StringComparison.Ordinal);
        Assert.Contains("triggers_delivery_latency_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("dynamics365_requests_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("environment=\"127.0.0.1\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dead_letters_are_listed_by_failure_code_in_the_store_query_and_retried_in_bulk_by_code()
    {
        // A wrong secret: Entra ID answers AADSTS7000215, a permanent failure, so the account's deliveries are
        // dead-lettered at once with the plugin's code auth.invalid-secret; the other account's still succeed.
        var config = CopySamples();
        var account = Path.Combine(config, "accounts", "contoso.json");
        File.WriteAllText(account, File.ReadAllText(account).Replace("demo-secret-not-for-production", "a-wrong-secret", StringComparison.Ordinal));
        await using var server = await ServerFixture.StartAsync(config);
        using (await PostAsync(server, SampleEvents))
        {
        }

        await WaitUntilAsync(async () => (await ListAsync(server, "status=dead-lettered")).Count == 5, "the contoso deliveries were dead-lettered");
        Assert.Equal(5, (await ListAsync(server, "status=dead-lettered&code=auth.invalid-secret")).Count);
        Assert.Equal(5, (await ListAsync(server, "code=auth.*")).Count);
        Assert.Empty(await ListAsync(server, "code=network.*"));
        Assert.Equal(2, (await ListAsync(server, "status=dead-lettered&account=contoso&limit=2")).Count);
        Assert.Empty(await ListAsync(server, "status=dead-lettered&account=contoso-user"));
        using (var badLimit = await server.Client.GetAsync("/api/v1/deliveries?limit=0"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
            Assert.Contains("limit '0'", (await JsonAsync(badLimit)).GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        using (var wrongStatus = await server.Client.PostAsync("/api/v1/deliveries/retry?status=succeeded", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongStatus.StatusCode);
        }

        using (var none = await server.Client.PostAsync("/api/v1/deliveries/retry?code=network.*", null))
        {
            Assert.Equal(0, (await JsonAsync(none)).GetProperty("retried").GetInt32());
        }

        // The secret is fixed; the running service reloads the account, and a bulk retry by code delivers them all.
        var running = (RunningConfiguration)server.Server.App.Services.GetService(typeof(RunningConfiguration))!;
        var broken = running.Configuration;
        File.WriteAllText(account, File.ReadAllText(account).Replace("a-wrong-secret", "demo-secret-not-for-production", StringComparison.Ordinal));
        await WaitUntilAsync(() => Task.FromResult(!ReferenceEquals(running.Configuration, broken)), "the fixed config was loaded");
        using (var many = await server.Client.PostAsync("/api/v1/deliveries/retry?code=auth.*", null))
        {
            Assert.Equal(HttpStatusCode.OK, many.StatusCode);
            Assert.Equal(5, (await JsonAsync(many)).GetProperty("retried").GetInt32());
        }

        await WaitUntilAsync(async () => (await ListAsync(server, "status=succeeded")).Count == 6, "the retried deliveries succeeded");
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("code=\"auth.invalid-secret\"", metrics, StringComparison.Ordinal);
        Assert.Contains("account=\"contoso\"", metrics.Split('\n').Single(l => l.StartsWith("dynamics365_requests_total{", StringComparison.Ordinal) && l.Contains("account=\"contoso\"", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    private HashSet<string> Tickets() =>
        [.. fixture.Emulator.Store.Records("incidents").Select(r => r["incidentid"]?.ToString() ?? "")];

    private static async Task<HttpResponseMessage> PostAsync(RunningServer server, string ndjson) =>
        await server.Client.PostAsync("/api/v1/events", new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson"));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<List<JsonElement>> ListAsync(RunningServer server, string query)
    {
        using var response = await server.Client.GetAsync($"/api/v1/deliveries?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await JsonAsync(response)).GetProperty("deliveries").EnumerateArray()];
    }

    private static string CopySamples()
    {
        var target = ServerFixture.NewFolder();
        var source = Path.Combine(TriggersProcess.SamplesDirectory, "config");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }
}
