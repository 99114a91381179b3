using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Delivery;

/// <summary>The delivery log messages (source-generated: no work when the level is off).</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Trigger {Trigger} ran {Plugin} (account {Account}) for call {EventId}: delivery {DeliveryId} succeeded after {Attempts} attempt(s): {ExternalId} number {Number} {Url}")]
    public static partial void Succeeded(ILogger logger, string trigger, string plugin, string account, string eventId, string deliveryId, int attempts, string externalId, string? number, Uri? url);

    [LoggerMessage(Level = LogLevel.Error, Message = "Trigger {Trigger} ran {Plugin} (account {Account}) for call {EventId}: delivery {DeliveryId} failed after {Attempts} attempt(s) and is dead-lettered: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string trigger, string plugin, string account, string eventId, string deliveryId, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} (trigger {Trigger}, plugin {Plugin}) failed, attempt {Attempt}, will retry at {NextAttemptAt:O}: {Reason}")]
    public static partial void WillRetry(ILogger logger, string deliveryId, string trigger, string plugin, int attempt, string reason, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Plugin {Plugin} threw while running delivery {DeliveryId} (trigger {Trigger})")]
    public static partial void PluginThrew(ILogger logger, Exception exception, string plugin, string deliveryId, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} (trigger {Trigger}) was interrupted; it stays pending")]
    public static partial void Interrupted(ILogger logger, string deliveryId, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call event {EventId} ({Kind}) matches no trigger")]
    public static partial void NoMatch(ILogger logger, string eventId, CallEventKind kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} (trigger {Trigger}, call {EventId}) already exists as {Status}: not run again")]
    public static partial void AlreadyKnown(ILogger logger, string deliveryId, string trigger, string eventId, DeliveryStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resuming {Count} deliveries that were in flight when the host stopped")]
    public static partial void Recovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} moved from the dead-letter list back to pending")]
    public static partial void Retried(ILogger logger, string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} discarded")]
    public static partial void Discarded(ILogger logger, string deliveryId);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} (trigger {Trigger}, call {EventId}) exists with different event content: the new event is a conflict and was not run")]
    public static partial void Conflict(ILogger logger, string deliveryId, string trigger, string eventId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Delivery {DeliveryId} (trigger {Trigger}) cannot be scheduled: {Reason}")]
    public static partial void CannotSchedule(ILogger logger, string deliveryId, string trigger, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Retention: dropped the call data of {Count} deliveries that succeeded before {Before:O}")]
    public static partial void Purged(ILogger logger, int count, DateTimeOffset before);
}
