using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Tests.TestDoubles;
using static TriggerPlugins.Host.Tests.Delivery.DeliveryHarness;

namespace TriggerPlugins.Host.Tests.Delivery;

public sealed class DeliveryProcessorTests
{
    [Fact]
    public async Task Transient_failures_are_retried_until_success_with_the_same_delivery_id()
    {
        await using var host = await StartAsync();
        host.Action.WithOutcomes(Transient("HTTP 503"), Transient("HTTP 429", TimeSpan.FromSeconds(3)));
        var id = await host.EnqueueAsync("call-1");

        var record = await host.DriveAsync(host.Processor.RunToCompletionAsync(id, default));

        Assert.Equal((DeliveryStatus.Succeeded, 3, "CAS-00001"), (record!.Status, record.Attempts, record.Number));
        Assert.Equal([1, 2, 3], host.Action.Requests.Select(r => r.Attempt));
        Assert.All(host.Action.Requests, r => Assert.Equal(id, r.DeliveryId));
        Assert.Equal("HTTP 429", record.LastError);
    }

    [Fact]
    public async Task The_next_attempt_waits_at_least_retry_after_even_beyond_max_delay()
    {
        await using var host = await StartAsync();
        host.Action.WithOutcomes(Transient("HTTP 429", TimeSpan.FromMinutes(2)));
        var id = await host.EnqueueAsync("call-1");

        var record = await host.Processor.RunAttemptAsync(id, default);

        Assert.Equal(DeliveryStatus.Pending, record!.Status);
        Assert.True(record.NextAttemptAt - host.Time.GetUtcNow() >= TimeSpan.FromMinutes(2), $"next attempt at {record.NextAttemptAt:O}");
        Assert.Null(await host.Store.TryClaimAsync(id, host.Time.GetUtcNow().AddMinutes(1), default));
    }

    [Fact]
    public async Task Without_retry_after_the_first_retry_comes_after_half_to_all_of_the_base_delay()
    {
        await using var host = await StartAsync(o => (o.BaseDelay, o.MaxDelay) = (TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)));
        host.Action.WithOutcomes(Transient());
        var id = await host.EnqueueAsync("call-1");

        var record = await host.Processor.RunAttemptAsync(id, default);

        var delay = record!.NextAttemptAt - host.Time.GetUtcNow();
        Assert.InRange(delay, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Failing_past_the_deadline_dead_letters_with_the_last_error()
    {
        await using var host = await StartAsync(o => (o.Deadline, o.BaseDelay, o.MaxDelay) = (TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)));
        host.Action.Behaviour = (_, _) => Task.FromResult(Transient("HTTP 503 Service Unavailable"));
        var id = await host.EnqueueAsync("call-1");

        var record = await host.DriveAsync(host.Processor.RunToCompletionAsync(id, default));

        Assert.Equal(DeliveryStatus.DeadLettered, record!.Status);
        Assert.InRange(record.Attempts, 2, 12);
        Assert.Contains("deadline; last error: HTTP 503 Service Unavailable", record.LastError, StringComparison.Ordinal);
        Assert.True(record.UpdatedAt <= record.RetryWindowStart + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_permanent_failure_is_dead_lettered_at_once()
    {
        await using var host = await StartAsync();
        host.Action.WithOutcomes(ActionOutcome.Permanent("the client secret is wrong", "auth.invalid-secret"));
        var id = await host.EnqueueAsync("call-1");

        var record = await host.Processor.RunToCompletionAsync(id, default);

        Assert.Equal((DeliveryStatus.DeadLettered, 1, "the client secret is wrong", "auth.invalid-secret"), (record!.Status, record.Attempts, record.LastError, record.FailureCode));
    }

    [Fact]
    public async Task An_exception_from_the_plugin_is_dead_lettered_as_a_plugin_bug()
    {
        await using var host = await StartAsync();
        host.Action.Behaviour = (_, _) => throw new InvalidOperationException("oops");
        var id = await host.EnqueueAsync("call-1");

        var record = await host.Processor.RunToCompletionAsync(id, default);

        Assert.Equal((DeliveryStatus.DeadLettered, "plugin bug: 'dynamics365' threw InvalidOperationException: oops"), (record!.Status, record.LastError));
    }

    [Fact]
    public async Task A_plugin_that_is_no_longer_loaded_dead_letters_the_delivery()
    {
        await using var host = await StartAsync();
        var id = await host.EnqueueAsync("call-1", plugin: "zendesk");

        var record = await host.Processor.RunToCompletionAsync(id, default);

        Assert.Equal((DeliveryStatus.DeadLettered, "plugin 'zendesk' is not loaded"), (record!.Status, record.LastError));
    }

    [Fact]
    public async Task An_attempt_that_outlives_its_timeout_is_a_transient_failure()
    {
        await using var host = await StartAsync(o => o.AttemptTimeout = TimeSpan.FromSeconds(30));
        var started = Hang(host);
        var id = await host.EnqueueAsync("call-1");

        var attempt = host.Processor.RunAttemptAsync(id, default);
        await started;
        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(attempt.IsCompleted, "the attempt ended before its timeout");
        host.Time.Advance(TimeSpan.FromSeconds(2));
        var record = await attempt;

        Assert.Equal(DeliveryStatus.Pending, record!.Status);
        Assert.Contains("attempt timeout", record.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_leaves_the_delivery_pending_and_due()
    {
        await using var host = await StartAsync();
        var started = Hang(host);
        var id = await host.EnqueueAsync("call-1");
        using var stop = new CancellationTokenSource();

        var run = host.Processor.RunToCompletionAsync(id, stop.Token);
        await started;
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var record = await host.Store.GetAsync(id, default);
        Assert.Equal(DeliveryStatus.Pending, record!.Status);
        Assert.True(record.NextAttemptAt <= host.Time.GetUtcNow());
    }

    [Fact]
    public async Task At_most_max_concurrency_deliveries_of_one_account_run_at_once()
    {
        await using var host = await StartAsync(o => o.MaxConcurrencyPerAccount = 3);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var three = InFlightReaches(host, 3);
        host.Action.Behaviour = async (_, _) =>
        {
            await gate.Task;
            return host.Action.CreateTicket();
        };
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await host.EnqueueAsync($"call-{i}"));
        }

        var runs = Task.WhenAll(ids.Select(id => host.Processor.RunToCompletionAsync(id, default)));
        await three;

        // Each run reached the action or the account's throttle before its first yield (the SQLite store answers
        // synchronously): a fourth delivery let through would be in the action and claimed in the store by now.
        Assert.Equal((3, 3), (host.Action.MaxInFlight, (await host.Store.ListAsync(DeliveryStatus.InFlight, 100, default)).Count));
        gate.SetResult();
        var records = await runs;

        Assert.Equal(3, host.Action.MaxInFlight);
        Assert.All(records, r => Assert.Equal(DeliveryStatus.Succeeded, r!.Status));
    }

    [Fact]
    public async Task The_concurrency_bound_is_per_account()
    {
        await using var host = await StartAsync(o => o.MaxConcurrencyPerAccount = 2);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new ConcurrentDictionary<string, int>();
        var max = new ConcurrentDictionary<string, int>();
        // Signalled by the behaviour itself once four attempts have recorded their account (the action's Started
        // event comes before the behaviour runs, so it could fire while the fourth has not counted yet).
        var four = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorded = 0;
        host.Action.Behaviour = async (request, _) =>
        {
            var now = running.AddOrUpdate(request.Settings.AccountName, 1, (_, n) => n + 1);
            max.AddOrUpdate(request.Settings.AccountName, now, (_, m) => Math.Max(m, now));
            if (Interlocked.Increment(ref recorded) == 4)
            {
                four.SetResult();
            }

            await gate.Task;
            running.AddOrUpdate(request.Settings.AccountName, 0, (_, n) => n - 1);
            return host.Action.CreateTicket();
        };
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await host.EnqueueAsync($"c-{i}", "contoso"));
            ids.Add(await host.EnqueueAsync($"o-{i}", "other"));
        }

        var runs = Task.WhenAll(ids.Select(id => host.Processor.RunToCompletionAsync(id, default)));
        await four.Task;

        // As above: every run is in the action or waiting for its account's slot, so the bound is checked now.
        Assert.Equal((2, 2, 4), (max["contoso"], max["other"], host.Action.MaxInFlight));
        gate.SetResult();
        await runs;

        Assert.Equal((2, 2, 4), (max["contoso"], max["other"], host.Action.MaxInFlight));
    }

    [Fact]
    public async Task Invalid_options_are_refused_with_every_reason()
    {
        await using var host = await StartAsync();
        var options = new DeliveryOptions { MaxConcurrencyPerAccount = 100, BaseDelay = TimeSpan.FromMinutes(10), MaxDelay = TimeSpan.FromMinutes(1) };

        var error = Assert.Throws<OptionsValidationException>(() => new DeliveryProcessor(host.Store, new DictionaryActionRegistry(), host.Configuration, Options.Create(options), host.Time, NullLogger<DeliveryProcessor>.Instance));

        Assert.Contains("MaxConcurrencyPerAccount is 100; it must be between 1 and 52", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDelay (00:01:00) must be at least BaseDelay (00:10:00)", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Makes every attempt hang until cancelled; the task completes when the first one has started.</summary>
    private static Task Hang(DeliveryHarness host)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Action.Behaviour = async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return host.Action.CreateTicket();
        };
        return started.Task;
    }

    /// <summary>Completes when <paramref name="count"/> attempts are in the action at once.</summary>
    private static Task InFlightReaches(DeliveryHarness host, int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Action.Started += () =>
        {
            if (host.Action.InFlight >= count)
            {
                reached.TrySetResult();
            }
        };
        return reached.Task;
    }
}
