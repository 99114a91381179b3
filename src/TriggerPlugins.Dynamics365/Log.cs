using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365;

/// <summary>
/// Every log message of the plugin, source-generated (no work when the level is off). Event ids are pinned here:
/// 20xx the action, 21xx authentication and Dataverse requests, 22xx tickets; they stay clear of the host's 1xxx, so
/// one log holds both without two meanings for one id. Placeholders use the host's names for the same values:
/// <c>{CallEventId}</c> for the event's id (never <c>{EventId}</c>, which structured sinks emit for the log event's
/// own id), <c>{CallKey}</c> for the call's key, <c>{DeliveryId}</c>.
/// </summary>
internal static partial class Log
{
    public const int PermanentFailureId = 2001;
    public const int TransientFailureId = 2002;
    public const int OwnerRefusedId = 2003;
    public const int GateClosedId = 2004;
    public const int ClosedByAnotherHostId = 2005;
    public const int SharedBudgetUnavailableId = 2006;
    public const int SharedCloseFailedId = 2007;

    public const int TokenAcquiredId = 2101;
    public const int RetryingWithNewTokenId = 2102;
    public const int DataverseAnsweredId = 2103;

    public const int TicketCreatedId = 2201;
    public const int OwnerNotFoundId = 2202;
    public const int SeveralUsersId = 2203;
    public const int SeveralContactsId = 2204;
    public const int TicketWrittenId = 2205;
    public const int EventSupersededId = 2206;

    [LoggerMessage(EventId = PermanentFailureId, Level = LogLevel.Debug, Message = "Call event {CallEventId} (delivery {DeliveryId}): no ticket, permanent failure {Code}: {Reason}")]
    public static partial void PermanentFailure(ILogger logger, string callEventId, string deliveryId, string code, string reason);

    [LoggerMessage(EventId = TransientFailureId, Level = LogLevel.Debug, Message = "Call event {CallEventId} (delivery {DeliveryId}): no ticket yet, transient failure ({When}): {Reason}")]
    public static partial void TransientFailure(ILogger logger, string callEventId, string deliveryId, string when, string reason);

    [LoggerMessage(EventId = OwnerRefusedId, Level = LogLevel.Warning, Message = "Dataverse refused the owner {SystemUserId} of call event {CallEventId}'s ticket ({DataverseError}); creating it once more, owned by the integration user")]
    public static partial void OwnerRefused(ILogger logger, string callEventId, Guid systemUserId, string dataverseError);

    [LoggerMessage(EventId = GateClosedId, Level = LogLevel.Warning, Message = "Dataverse throttled the account's user until {ReopensAt:O}; its requests wait until then")]
    public static partial void GateClosed(ILogger logger, DateTimeOffset reopensAt);

    [LoggerMessage(EventId = ClosedByAnotherHostId, Level = LogLevel.Information, Message = "Another host saw Dataverse throttle the account's user: its requests wait here too, until {ReopensAt:O}")]
    public static partial void ClosedByAnotherHost(ILogger logger, DateTimeOffset reopensAt);

    [LoggerMessage(EventId = SharedBudgetUnavailableId, Level = LogLevel.Warning, Message = "The request budget shared by the hosts could not be read, so the user's requests are held: {Error}")]
    public static partial void SharedBudgetUnavailable(ILogger logger, string error);

    [LoggerMessage(EventId = SharedCloseFailedId, Level = LogLevel.Warning, Message = "Dataverse throttled the account's user, but the other hosts could not be told (they keep pacing within the shared budget): {Error}")]
    public static partial void SharedCloseFailed(ILogger logger, string error);

    [LoggerMessage(EventId = TokenAcquiredId, Level = LogLevel.Debug, Message = "Acquired a Dataverse token for app {ClientId} ({Mode}), valid until {ExpiresOn}")]
    public static partial void TokenAcquired(ILogger logger, string? clientId, AuthMode? mode, DateTimeOffset expiresOn);

    [LoggerMessage(EventId = RetryingWithNewTokenId, Level = LogLevel.Information, Message = "Dataverse rejected the cached token while trying to {Operation}; retrying once with a new token")]
    public static partial void RetryingWithNewToken(ILogger logger, string operation);

    [LoggerMessage(EventId = DataverseAnsweredId, Level = LogLevel.Debug, Message = "Dataverse {Method} {Path}{Query} answered {StatusCode} in {ElapsedMs} ms")]
    public static partial void DataverseAnswered(ILogger logger, HttpMethod method, string path, string query, int statusCode, double elapsedMs);

    [LoggerMessage(EventId = TicketCreatedId, Level = LogLevel.Information, Message = "Ticket {TicketNumber} ({IncidentId}) for call event {CallEventId} (delivery {DeliveryId}, attempt {Attempt})")]
    public static partial void TicketCreated(ILogger logger, string? ticketNumber, Guid incidentId, string callEventId, string deliveryId, int attempt);

    [LoggerMessage(EventId = OwnerNotFoundId, Level = LogLevel.Debug, Message = "No systemuser has internalemailaddress {Email}")]
    public static partial void OwnerNotFound(ILogger logger, string email);

    [LoggerMessage(EventId = SeveralUsersId, Level = LogLevel.Warning, Message = "Several enabled Dynamics 365 users have the agent's email; the ticket goes to {SystemUserId}, the lowest id")]
    public static partial void SeveralUsers(ILogger logger, Guid systemUserId);

    [LoggerMessage(EventId = SeveralContactsId, Level = LogLevel.Information, Message = "{Count} contacts share the caller's number; linking contact {ContactId}")]
    public static partial void SeveralContacts(ILogger logger, int count, Guid contactId);

    [LoggerMessage(EventId = TicketWrittenId, Level = LogLevel.Information, Message = "Ticket {TicketNumber} ({IncidentId}) for call {CallKey}, event {CallEventId} ({Kind}): {Done}")]
    public static partial void TicketWritten(ILogger logger, string? ticketNumber, Guid incidentId, string callKey, string callEventId, CallEventKind kind, IEnumerable<string> done);

    [LoggerMessage(EventId = EventSupersededId, Level = LogLevel.Information, Message = "Event {CallEventId} ({Kind}) of call {CallKey} arrived after a later event; ticket {IncidentId} left as it is")]
    public static partial void EventSuperseded(ILogger logger, string callEventId, CallEventKind kind, string callKey, Guid incidentId);
}
