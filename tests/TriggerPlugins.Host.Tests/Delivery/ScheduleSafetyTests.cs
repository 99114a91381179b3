using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Tests.TestDoubles;
using static TriggerPlugins.Host.Tests.Delivery.DeliveryHarness;

namespace TriggerPlugins.Host.Tests.Delivery;

/// <summary>Conflicting events and schedules at the edge of time: reported or dead-lettered, never a crash.</summary>
public sealed class ScheduleSafetyTests
{
    [Fact]
    public async Task An_id_sent_again_with_other_content_is_a_conflict_and_runs_nothing()
    {
        await using var host = await StartAsync();
        await host.Service.DispatchAsync(Calls.Answered("call-1"), default);

        var again = await host.Service.DispatchAsync(Calls.Answered("call-1") with { CallerNumber = "+441632960961" }, default);

        Assert.Equal(2, again.Count);
        Assert.All(again, r => Assert.True(r.Conflict && r.AlreadyKnown));
        Assert.Equal(2, host.Action.Requests.Count);
    }

    [Fact]
    public async Task A_delivery_due_beyond_what_a_timer_can_wait_is_waited_for_not_a_crash()
    {
        await using var host = await StartAsync();
        var id = await host.EnqueueAsync("call-1");
        await using (var connection = new SqliteConnection($"Data Source={host.Store.Path}"))
        {
            // As an older version could leave it: due in 100 days (Task.Delay refuses more than about 49).
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE deliveries SET next_attempt_at = $due";
            command.Parameters.AddWithValue("$due", host.Time.GetUtcNow().AddDays(100).ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync();
        }

        var record = await host.DriveAsync(host.Processor.RunToCompletionAsync(id, default));

        Assert.Equal(DeliveryStatus.Succeeded, record!.Status);
    }

    [Fact]
    public async Task A_retry_after_of_centuries_is_dead_lettered_at_the_deadline_not_an_overflow()
    {
        await using var host = await StartAsync(o => o.Deadline = DeliveryOptionLimits.MaxDeadline);
        host.Action.WithOutcomes(Transient("HTTP 429", TimeSpan.MaxValue));
        var id = await host.EnqueueAsync("call-1");

        var record = await host.Processor.RunAttemptAsync(id, default);

        Assert.Equal(DeliveryStatus.DeadLettered, record!.Status);
        Assert.Contains("deadline; last error: HTTP 429", record.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_arithmetic_saturates_instead_of_overflowing()
    {
        var late = DateTimeOffset.MaxValue.AddDays(-1);

        Assert.Equal(DateTimeOffset.MaxValue, Backoff.AddSaturating(late, TimeSpan.FromDays(365)));
        Assert.Equal(late.AddHours(1), Backoff.AddSaturating(late, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromDays(30) + TimeSpan.FromTicks(1), Backoff.NextDelay(1, TimeSpan.MaxValue, new DeliveryOptions { Deadline = TimeSpan.FromDays(30) }, new Random(1)));
    }

    [Fact]
    public void Durations_beyond_their_bounds_are_refused_with_the_bound()
    {
        var options = new DeliveryOptions
        {
            BaseDelay = TimeSpan.FromHours(2000),
            MaxDelay = TimeSpan.FromHours(2000),
            Deadline = TimeSpan.FromHours(99_999_999),
            Retention = TimeSpan.FromMinutes(1),
        };

        var error = Assert.Throws<OptionsValidationException>(() => DeliveryOptionsValidator.EnsureValid(options));

        Assert.Contains("Deadline is 4166666.15:00:00; it must be at most 30.00:00:00.", error.Message, StringComparison.Ordinal);
        Assert.Contains("BaseDelay is 83.08:00:00; it must be at most 01:00:00.", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDelay is 83.08:00:00; it must be at most 1.00:00:00.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Retention is 00:01:00; it must be between 01:00:00 and 3650.00:00:00.", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromDays(30), new DeliveryOptions().Retention);
    }

    [Fact]
    public void An_env_value_is_never_echoed_in_a_problem_whoever_writes_it()
    {
        using var folder = ConfigFolder.WithTriggers(("inbound", """{ "on": ["call-end"], "actions": [ { "plugin": "dynamics365", "account": "contoso", "configuration": "default" } ] }"""));
        folder.Account("contoso", """{ "plugin": "dynamics365", "weburl": "env:MYSEC" }""");
        var plugin = new ScriptedAction
        {
            // A plugin that quotes the value it finds wrong, as many validators do.
            Validation = s => new ValidationReport([new ValidationProblem(ValidationSeverity.Error, s.AccountSource!, "weburl", $"'{s.Account.GetProperty("weburl").GetString()}' is not an absolute URL")]),
        };

        var problems = TriggerPlugins.Host.Configuration.ConfigurationLoader.Load(folder.Path, new DictionaryActionRegistry(plugin), name => name == "MYSEC" ? "hunter2-very-secret" : null).Problems;

        var problem = Assert.Single(problems);
        Assert.Equal("'(the value of environment variable MYSEC)' is not an absolute URL", problem.Message);
    }
}
