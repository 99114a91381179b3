namespace TriggerPlugins.Admin;

/// <summary>The console's log messages. Never a password, key or secret: names and counts only.</summary>
internal static partial class Log
{
    public const int SignedInId = 1601;
    public const int SignInFailedId = 1602;
    public const int LockedOutId = 1603;
    public const int SavedId = 1604;
    public const int SaveRefusedId = 1605;
    public const int ApiKeyCreatedId = 1606;
    public const int ApiKeyRevokedId = 1607;
    public const int DeliveriesRetriedId = 1608;
    public const int DeliveriesDiscardedId = 1609;
    public const int DeletedId = 1610;

    [LoggerMessage(EventId = SignedInId, Level = LogLevel.Information, Message = "Admin {UserName} signed in to the console")]
    public static partial void SignedIn(ILogger logger, string userName);

    [LoggerMessage(EventId = SignInFailedId, Level = LogLevel.Warning, Message = "Failed sign-in to the console as {UserName}")]
    public static partial void SignInFailed(ILogger logger, string userName);

    [LoggerMessage(EventId = LockedOutId, Level = LogLevel.Warning, Message = "Admin {UserName} is locked out of the console after repeated failed sign-ins")]
    public static partial void LockedOut(ILogger logger, string userName);

    [LoggerMessage(EventId = SavedId, Level = LogLevel.Information, Message = "Admin {UserName} saved {Folder}/{File}.json")]
    public static partial void Saved(ILogger logger, string? userName, string folder, string file);

    [LoggerMessage(EventId = SaveRefusedId, Level = LogLevel.Information, Message = "Saving {Folder}/{File}.json was refused: {ProblemCount} problem(s)")]
    public static partial void SaveRefused(ILogger logger, string folder, string file, int problemCount);

    [LoggerMessage(EventId = ApiKeyCreatedId, Level = LogLevel.Information, Message = "Admin {UserName} created API key {ApiKeyName}")]
    public static partial void ApiKeyCreated(ILogger logger, string? userName, string apiKeyName);

    [LoggerMessage(EventId = ApiKeyRevokedId, Level = LogLevel.Information, Message = "Admin {UserName} revoked API key {ApiKeyName}")]
    public static partial void ApiKeyRevoked(ILogger logger, string? userName, string apiKeyName);

    [LoggerMessage(EventId = DeliveriesRetriedId, Level = LogLevel.Information, Message = "Admin {UserName} retried {Count} delivery(ies)")]
    public static partial void DeliveriesRetried(ILogger logger, string? userName, int count);

    [LoggerMessage(EventId = DeliveriesDiscardedId, Level = LogLevel.Information, Message = "Admin {UserName} discarded {Count} delivery(ies)")]
    public static partial void DeliveriesDiscarded(ILogger logger, string? userName, int count);

    [LoggerMessage(EventId = DeletedId, Level = LogLevel.Information, Message = "Admin {UserName} deleted {Folder}/{File}.json")]
    public static partial void Deleted(ILogger logger, string? userName, string folder, string file);
}
