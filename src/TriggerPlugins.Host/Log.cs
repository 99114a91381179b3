using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Host;

/// <summary>
/// Every log message of the host, source-generated (no work when the level is off). Event ids are pinned here so a
/// log query can rely on them across versions: 10xx plugins, 11xx deliveries, 12xx intake and matching, 13xx workers
/// (the server has 14xx, the PostgreSQL store 15xx, the console 16xx). One name per value in the templates:
/// <c>{CallEventId}</c> (never <c>{EventId}</c>, which structured sinks emit for the log event's own id),
/// <c>{DeliveryId}</c>, <c>{Trigger}</c>, <c>{PluginId}</c>, <c>{Account}</c>.
/// </summary>
internal static partial class Log
{
    public const int PluginRefusedId = 1001;
    public const int PluginRefusalDetailsId = 1002;
    public const int PluginLoadedId = 1003;
    public const int PluginDisposeFailedId = 1004;

    public const int ConflictId = 1101;
    public const int CannotScheduleId = 1102;
    // 1103 was a retention message that nothing logged; not reused.
    public const int SucceededId = 1104;
    public const int DeadLetteredId = 1105;
    public const int WillRetryId = 1106;
    public const int PluginThrewId = 1107;
    public const int InterruptedId = 1108;
    public const int NoMatchId = 1109;
    public const int AlreadyKnownId = 1110;
    public const int RecoveredId = 1111;
    public const int RetriedId = 1112;
    public const int DiscardedId = 1113;

    public const int IntakeNoMatchId = 1201;
    public const int IntakeWriteFailedId = 1202;
    public const int TriggerMatchedId = 1211;
    public const int ConditionTimedOutId = 1212;

    public const int ClaimFailedId = 1301;
    public const int AttemptFailedId = 1302;
    public const int StoppingId = 1303;
    public const int StoppedId = 1304;
    public const int AccountPausedId = 1305;

    [LoggerMessage(EventId = PluginRefusedId, Level = LogLevel.Warning, Message = "Plugin folder {PluginFolder} refused: {Reason}")]
    public static partial void PluginRefused(ILogger logger, string pluginFolder, string reason);

    // The admin gets the message above; a plugin's author may want the stack trace, at debug level only.
    [LoggerMessage(EventId = PluginRefusalDetailsId, Level = LogLevel.Debug, Message = "Details of the refusal of plugin folder {PluginFolder}")]
    public static partial void PluginRefusalDetails(ILogger logger, Exception exception, string pluginFolder);

    [LoggerMessage(EventId = PluginLoadedId, Level = LogLevel.Information, Message = "Loaded plugin {PluginId} {PluginVersion} from {PluginFolder}")]
    public static partial void PluginLoaded(ILogger logger, string pluginId, string pluginVersion, string pluginFolder);

    [LoggerMessage(EventId = PluginDisposeFailedId, Level = LogLevel.Error, Message = "Plugin {PluginId} failed while being disposed")]
    public static partial void PluginDisposeFailed(ILogger logger, Exception exception, string pluginId);

    [LoggerMessage(EventId = ConflictId, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} (trigger {Trigger}, call event {CallEventId}) exists with different event content: the new event is a conflict and was not run")]
    public static partial void Conflict(ILogger logger, string deliveryId, string trigger, string callEventId);

    [LoggerMessage(EventId = CannotScheduleId, Level = LogLevel.Error, Message = "Delivery {DeliveryId} (trigger {Trigger}) cannot be scheduled: {Reason}")]
    public static partial void CannotSchedule(ILogger logger, string deliveryId, string trigger, string reason);

    [LoggerMessage(EventId = SucceededId, Level = LogLevel.Information, Message = "Trigger {Trigger} ran {PluginId} (account {Account}) for call event {CallEventId}: delivery {DeliveryId} succeeded after {Attempts} attempt(s): {ExternalId} number {Number} {Url}")]
    public static partial void Succeeded(ILogger logger, string trigger, string pluginId, string account, string callEventId, string deliveryId, int attempts, string externalId, string? number, Uri? url);

    [LoggerMessage(EventId = DeadLetteredId, Level = LogLevel.Error, Message = "Trigger {Trigger} ran {PluginId} (account {Account}) for call event {CallEventId}: delivery {DeliveryId} failed after {Attempts} attempt(s) and is dead-lettered: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string trigger, string pluginId, string account, string callEventId, string deliveryId, int attempts, string reason);

    [LoggerMessage(EventId = WillRetryId, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} (trigger {Trigger}, plugin {PluginId}) failed, attempt {Attempt}, will retry at {NextAttemptAt:O}: {Reason}")]
    public static partial void WillRetry(ILogger logger, string deliveryId, string trigger, string pluginId, int attempt, string reason, DateTimeOffset nextAttemptAt);

    [LoggerMessage(EventId = PluginThrewId, Level = LogLevel.Error, Message = "Plugin {PluginId} threw while running delivery {DeliveryId} (trigger {Trigger})")]
    public static partial void PluginThrew(ILogger logger, Exception exception, string pluginId, string deliveryId, string trigger);

    [LoggerMessage(EventId = InterruptedId, Level = LogLevel.Information, Message = "Delivery {DeliveryId} (trigger {Trigger}) was interrupted; it stays pending")]
    public static partial void Interrupted(ILogger logger, string deliveryId, string trigger);

    [LoggerMessage(EventId = NoMatchId, Level = LogLevel.Information, Message = "Call event {CallEventId} ({Kind}) matches no trigger")]
    public static partial void NoMatch(ILogger logger, string callEventId, CallEventKind kind);

    [LoggerMessage(EventId = AlreadyKnownId, Level = LogLevel.Information, Message = "Delivery {DeliveryId} (trigger {Trigger}, call event {CallEventId}) already exists as {Status}: not run again")]
    public static partial void AlreadyKnown(ILogger logger, string deliveryId, string trigger, string callEventId, DeliveryStatus status);

    [LoggerMessage(EventId = RecoveredId, Level = LogLevel.Warning, Message = "Resuming {Count} deliveries that were in flight when the host stopped")]
    public static partial void Recovered(ILogger logger, int count);

    [LoggerMessage(EventId = RetriedId, Level = LogLevel.Information, Message = "Delivery {DeliveryId} moved from the dead-letter list back to pending")]
    public static partial void Retried(ILogger logger, string deliveryId);

    [LoggerMessage(EventId = DiscardedId, Level = LogLevel.Information, Message = "Delivery {DeliveryId} discarded")]
    public static partial void Discarded(ILogger logger, string deliveryId);

    // Debug, not Information as the dispatcher's NoMatch: the server's intake sees every event of every call.
    [LoggerMessage(EventId = IntakeNoMatchId, Level = LogLevel.Debug, Message = "Call event {CallEventId} matches no trigger")]
    public static partial void IntakeNoMatch(ILogger logger, string callEventId);

    [LoggerMessage(EventId = IntakeWriteFailedId, Level = LogLevel.Error, Message = "Could not store {Count} delivery(ies) ({Error}: {Message}); their requests were refused")]
    public static partial void IntakeWriteFailed(ILogger logger, int count, string error, string message);

    [LoggerMessage(EventId = TriggerMatchedId, Level = LogLevel.Debug, Message = "Call event {CallEventId} matches trigger {Trigger}")]
    public static partial void TriggerMatched(ILogger logger, string callEventId, string trigger);

    [LoggerMessage(EventId = ConditionTimedOutId, Level = LogLevel.Warning, Message = "Condition {Condition} of trigger {Trigger} took too long on call event {CallEventId} and counts as not met; simplify the pattern")]
    public static partial void ConditionTimedOut(ILogger logger, string condition, string trigger, string callEventId);

    [LoggerMessage(EventId = ClaimFailedId, Level = LogLevel.Error, Message = "Could not take due deliveries from the store ({Error}: {Message}); trying again shortly")]
    public static partial void ClaimFailed(ILogger logger, string error, string message);

    [LoggerMessage(EventId = AttemptFailedId, Level = LogLevel.Error, Message = "Delivery {DeliveryId}: the outcome could not be recorded ({Error}: {Message}); it is taken again when its lease ends")]
    public static partial void AttemptFailed(ILogger logger, string deliveryId, string error, string message);

    [LoggerMessage(EventId = StoppingId, Level = LogLevel.Information, Message = "Stopping delivery: {Count} attempt(s) in flight get {GracePeriod} to finish")]
    public static partial void Stopping(ILogger logger, int count, TimeSpan gracePeriod);

    [LoggerMessage(EventId = StoppedId, Level = LogLevel.Information, Message = "Delivery stopped; {Released} unfinished delivery(ies) released to pending")]
    public static partial void Stopped(ILogger logger, int released);

    [LoggerMessage(EventId = AccountPausedId, Level = LogLevel.Warning, Message = "Account {Account}: {Failures} attempts in a row failed (is its Dynamics reachable?); its deliveries pause until {Until:O}, then one round probes again")]
    public static partial void AccountPaused(ILogger logger, string account, int failures, DateTimeOffset until);
}
