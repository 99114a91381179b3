using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Tests.TestDoubles;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Tests.Delivery;

/// <summary>
/// A host for delivery tests: a config folder (accounts "contoso" and "other", configuration "default", triggers
/// "inbound" and "support" on call-end), a SQLite store in a temp folder, a scripted plugin and a fake clock.
/// </summary>
internal sealed class DeliveryHarness : IAsyncDisposable
{
    private readonly ConfigFolder _config;

    private DeliveryHarness(ConfigFolder config, SqliteDeliveryStore store, DeliveryOptions options)
    {
        _config = config;
        Store = store;
        Options = options;
        Configuration = ConfigurationLoader.Load(config.Path, new DictionaryActionRegistry(Action), _ => null);
        Assert.Empty(Configuration.Problems);
        Processor = new DeliveryProcessor(Store, new DictionaryActionRegistry(Action), Configuration, Microsoft.Extensions.Options.Options.Create(options), Time, NullLogger<DeliveryProcessor>.Instance);
        Service = new DispatchService(new TriggerEngine(Configuration.Triggers), Store, Processor, Time, NullLogger<DispatchService>.Instance);
    }

    public SignallingTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero));

    public ScriptedAction Action { get; } = new();

    public SqliteDeliveryStore Store { get; }

    public DeliveryOptions Options { get; }

    public TriggerConfiguration Configuration { get; }

    public DeliveryProcessor Processor { get; }

    public DispatchService Service { get; }

    public static async Task<DeliveryHarness> StartAsync(Action<DeliveryOptions>? configure = null)
    {
        var options = new DeliveryOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(4), Deadline = TimeSpan.FromMinutes(10) };
        configure?.Invoke(options);
        var config = ConfigFolder.WithTriggers(
                ("inbound", """{ "on": ["call-end"], "conditions": [ { "field": "outbound", "operator": "is", "value": false } ], "actions": [ { "plugin": "dynamics365", "account": "contoso", "configuration": "default" } ] }"""),
                ("support", """{ "on": ["call-end"], "conditions": [ { "field": "queue", "operator": "is", "value": "support" } ], "actions": [ { "plugin": "dynamics365", "account": "other", "configuration": "default" } ] }"""))
            .Account("other", ConfigFolder.DemoAccount);
        var harness = new DeliveryHarness(config, await SqliteDeliveryStore.OpenAsync(Path.Combine(Path.GetTempPath(), "triggerplugins-tests", Guid.NewGuid().ToString("N"))), options);
        return harness;
    }

    /// <summary>Enqueues a delivery (due now) and returns its id.</summary>
    public async Task<string> EnqueueAsync(string eventId, string account = "contoso", string plugin = "dynamics365")
    {
        var planned = new PlannedAction(DeliveryIds.Create(eventId, "manual", 0), "manual", 0, new TriggerAction(plugin, account, "default"));
        var result = await Store.EnqueueAsync(NewDelivery.For(planned, Calls.Answered(eventId)), Time.GetUtcNow(), default);
        return result.Record.Id;
    }

    /// <summary>
    /// Runs <paramref name="task"/> to completion on the fake clock: each time the code under test starts a timer (a
    /// wait for the next attempt, an attempt's timeout), the clock jumps to the earliest pending delivery's due time, if
    /// that is still ahead. The clock moves only when the code waits on it, never after a real-time pause.
    /// </summary>
    public async Task<T> DriveAsync<T>(Task<T> task)
    {
        for (var i = 0; i < 10_000 && !task.IsCompleted; i++)
        {
            var timer = Time.WaitForTimerAsync();
            if (await Task.WhenAny(task, timer) == task)
            {
                break;
            }

            Assert.True(await timer, $"the task neither finished nor started a timer within {SignallingTimeProvider.NoTimerBound} (real time)");
            var now = Time.GetUtcNow();
            var next = (await Store.ListAsync(DeliveryStatus.Pending, 1_000, default))
                .Select(d => d.NextAttemptAt)
                .Where(due => due > now)
                .DefaultIfEmpty(now)
                .Min();
            Time.Advance(next - now);
        }

        return await task;
    }

    public async ValueTask DisposeAsync()
    {
        Processor.Dispose();
        Store.Dispose();
        _config.Dispose();
        try
        {
            Directory.Delete(Path.GetDirectoryName(Store.Path)!, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        await Task.CompletedTask;
    }

    public static ActionOutcome Transient(string reason = "HTTP 503", TimeSpan? retryAfter = null) => ActionOutcome.Transient(reason, retryAfter);
}
