using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// Runs deliveries from the store: claims one, calls its plugin, records the outcome. A transient failure is
/// rescheduled in the store (exponential backoff with jitter, at least Retry-After) until the deadline; a permanent
/// failure, a failure past the deadline or an exception from the plugin goes to the dead-letter list. When the
/// caller cancels, the delivery goes back to pending: it is never lost.
/// </summary>
public sealed class DeliveryProcessor : IDisposable
{
    // How often to look again at a delivery that another worker has in flight.
    private static readonly TimeSpan InFlightPollInterval = TimeSpan.FromSeconds(1);

    // The longest single wait (Task.Delay refuses more than about 49 days); a longer one is several waits.
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    private readonly IDeliveryStore _store;
    private readonly IActionRegistry _registry;
    private readonly Func<TriggerConfiguration> _configuration;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly AccountThrottle _throttle;

    /// <summary>Creates a processor; the options are validated here and an invalid setting throws <see cref="OptionsValidationException"/>.</summary>
    public DeliveryProcessor(
        IDeliveryStore store,
        IActionRegistry registry,
        TriggerConfiguration configuration,
        IOptions<DeliveryOptions> options,
        TimeProvider timeProvider,
        ILogger<DeliveryProcessor> logger)
        : this(store, registry, () => configuration, options, timeProvider, logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
    }

    /// <summary>
    /// Creates a processor that reads the account and configuration settings of each attempt from
    /// <paramref name="configuration"/> (the running configuration, replaced on reload).
    /// </summary>
    public DeliveryProcessor(
        IDeliveryStore store,
        IActionRegistry registry,
        Func<TriggerConfiguration> configuration,
        IOptions<DeliveryOptions> options,
        TimeProvider timeProvider,
        ILogger<DeliveryProcessor> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _registry = registry;
        _configuration = configuration;
        _options = DeliveryOptionsValidator.EnsureValid(options.Value);
        _timeProvider = timeProvider;
        _logger = logger;
        _throttle = new AccountThrottle(_options, timeProvider);
    }

    /// <summary>
    /// Runs attempts until the delivery succeeds or is dead-lettered, waiting between them as scheduled.
    /// Returns <see langword="null"/> when no delivery has this id (for example, discarded meanwhile).
    /// </summary>
    public async Task<DeliveryRecord?> RunToCompletionAsync(string deliveryId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var record = await RunAttemptAsync(deliveryId, cancellationToken);
            if (record is null or { Status: DeliveryStatus.Succeeded or DeliveryStatus.DeadLettered })
            {
                return record;
            }

            var wait = record.Status == DeliveryStatus.InFlight
                ? InFlightPollInterval
                : record.NextAttemptAt - _timeProvider.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait < LongestWait ? wait : LongestWait, _timeProvider, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Runs one attempt when the delivery is pending and due; otherwise does nothing. Returns the delivery as it
    /// stands afterwards, or <see langword="null"/> when no delivery has this id.
    /// </summary>
    public async Task<DeliveryRecord?> RunAttemptAsync(string deliveryId, CancellationToken cancellationToken)
    {
        var record = await _store.GetAsync(deliveryId, cancellationToken);
        if (record is not { Status: DeliveryStatus.Pending } || record.NextAttemptAt > _timeProvider.GetUtcNow())
        {
            return record;
        }

        using (await _throttle.EnterAsync(record.Action.Account, cancellationToken))
        {
            // Not cancellable: a claim committed but never seen would leave the delivery in flight until the next start.
            var claimed = await _store.TryClaimAsync(deliveryId, _timeProvider.GetUtcNow(), CancellationToken.None);
            if (claimed is not null)
            {
                await AttemptAsync(claimed, cancellationToken);
            }
        }

        return await _store.GetAsync(deliveryId, CancellationToken.None);
    }

    /// <summary>
    /// Runs one attempt of a delivery a worker has claimed (<see cref="IDeliveryStore.ClaimDueAsync"/>), within the
    /// account's limits, and returns the delivery as it stands afterwards: succeeded, pending at its next due time, or
    /// dead-lettered. When <paramref name="cancellationToken"/> fires before the attempt starts, the claim stays for
    /// the caller to release (<see cref="IDeliveryStore.ReleaseLeasesAsync"/>).
    /// </summary>
    public async Task<DeliveryRecord?> RunClaimedAsync(DeliveryRecord claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        using (await _throttle.EnterAsync(claimed.Action.Account, cancellationToken))
        {
            await AttemptAsync(claimed, cancellationToken);
        }

        return await _store.GetAsync(claimed.Id, CancellationToken.None);
    }

    /// <inheritdoc />
    public void Dispose() => _throttle.Dispose();

    private async Task AttemptAsync(DeliveryRecord delivery, CancellationToken cancellationToken)
    {
        if (!_registry.TryGetAction(delivery.Action.Plugin, out var action))
        {
            await DeadLetterAsync(delivery, $"plugin '{delivery.Action.Plugin}' is not loaded", FailureCodes.PluginNotLoaded);
            return;
        }

        if (!_configuration().TryGetSettings(delivery.Action.Account, delivery.Action.Configuration, out var settings))
        {
            await DeadLetterAsync(delivery, $"account '{delivery.Action.Account}' or configuration '{delivery.Action.Configuration}' is not in the loaded configuration", FailureCodes.SettingsMissing);
            return;
        }

        if (ReadEvent(delivery) is not { } callEvent)
        {
            await DeadLetterAsync(delivery, "the stored call event cannot be read (the delivery store was changed by hand?)", FailureCodes.EventUnreadable);
            return;
        }

        var request = new ActionRequest { Call = callEvent, Settings = settings, DeliveryId = delivery.Id, Attempt = delivery.Attempts };
        ActionOutcome outcome;
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            outcome = await action.ExecuteAsync(request, linked.Token)
                ?? throw new InvalidOperationException("ExecuteAsync returned null instead of an outcome");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: the delivery waits, pending and due, for the next start.
            await _store.RescheduleAsync(delivery.Id, _timeProvider.GetUtcNow(), null, _timeProvider.GetUtcNow(), CancellationToken.None);
            Log.Interrupted(_logger, delivery.Id, delivery.TriggerName);
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            outcome = ActionOutcome.Transient($"no outcome within {_options.AttemptTimeout} (attempt timeout)");
        }
        catch (Exception exception)
        {
            // The contract says expected failures are outcomes, so an exception is a bug in the plugin: retrying will not help.
            Log.PluginThrew(_logger, exception, delivery.Action.Plugin, delivery.Id, delivery.TriggerName);
            await DeadLetterAsync(delivery, $"plugin bug: '{delivery.Action.Plugin}' threw {exception.GetType().Name}: {exception.Message}", FailureCodes.PluginBug);
            return;
        }

        await RecordAsync(delivery, outcome);
    }

    private static CallEvent? ReadEvent(DeliveryRecord delivery)
    {
        try
        {
            return JsonSerializer.Deserialize<CallEvent>(delivery.EventJson, CallEventJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Outcomes are recorded even when the caller cancels meanwhile: the remote record exists, and forgetting it would
    // only cost another attempt.
    private async Task RecordAsync(DeliveryRecord delivery, ActionOutcome outcome)
    {
        var now = _timeProvider.GetUtcNow();
        switch (outcome)
        {
            case ActionSucceeded success:
                await _store.MarkSucceededAsync(delivery.Id, success, now, CancellationToken.None);
                Log.Succeeded(_logger, delivery.TriggerName, delivery.Action.Plugin, delivery.Action.Account, delivery.EventId, delivery.Id, delivery.Attempts, success.ExternalId, success.Number, success.Url);
                break;
            case ActionFailedPermanent permanent:
                await DeadLetterAsync(delivery, permanent.Reason, permanent.Code ?? FailureCodes.Permanent);
                break;
            case ActionFailedTransient transient:
                await RetryLaterAsync(delivery, transient, now);
                break;
            default:
                await DeadLetterAsync(delivery, $"plugin bug: unknown outcome type {outcome.GetType().Name}", FailureCodes.PluginBug);
                break;
        }
    }

    private async Task RetryLaterAsync(DeliveryRecord delivery, ActionFailedTransient failure, DateTimeOffset now)
    {
        DateTimeOffset next;
        DateTimeOffset deadline;
        try
        {
            next = Backoff.AddSaturating(now, Backoff.NextDelay(delivery.Attempts, failure.RetryAfter, _options, Random.Shared));
            deadline = Backoff.AddSaturating(delivery.RetryWindowStart, _options.Deadline);
        }
        catch (Exception exception) when (exception is ArgumentOutOfRangeException or OverflowException)
        {
            var reason = $"cannot schedule the next attempt ({exception.GetType().Name}); last error: {failure.Reason}";
            Log.CannotSchedule(_logger, delivery.Id, delivery.TriggerName, reason);
            await DeadLetterAsync(delivery, reason, FailureCodes.Deadline);
            return;
        }

        if (next > deadline)
        {
            await DeadLetterAsync(delivery, $"gave up after {delivery.Attempts} attempt(s): the next would fall after the {_options.Deadline} deadline; last error: {failure.Reason}", FailureCodes.Deadline);
            return;
        }

        await _store.RescheduleAsync(delivery.Id, next, failure.Reason, now, CancellationToken.None);
        Log.WillRetry(_logger, delivery.Id, delivery.TriggerName, delivery.Action.Plugin, delivery.Attempts, failure.Reason, next);
    }

    private async Task DeadLetterAsync(DeliveryRecord delivery, string reason, string code)
    {
        await _store.DeadLetterAsync(delivery.Id, reason, code, _timeProvider.GetUtcNow(), CancellationToken.None);
        Log.DeadLettered(_logger, delivery.TriggerName, delivery.Action.Plugin, delivery.Action.Account, delivery.EventId, delivery.Id, delivery.Attempts, reason);
    }
}
