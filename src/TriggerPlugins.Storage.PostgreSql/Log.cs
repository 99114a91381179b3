using Microsoft.Extensions.Logging;

namespace TriggerPlugins.Storage.PostgreSql;

/// <summary>The PostgreSQL store's log messages, source-generated; event ids 1500-1599 are this project's, pinned here.</summary>
internal static partial class Log
{
    public const int MigrationAppliedId = 1500;
    public const int OpenedId = 1501;

    [LoggerMessage(EventId = MigrationAppliedId, Level = LogLevel.Information, Message = "Delivery store at {Where}: applied schema migration {Version} ({Description})")]
    public static partial void MigrationApplied(ILogger logger, int version, string description, string where);

    [LoggerMessage(EventId = OpenedId, Level = LogLevel.Information, Message = "Delivery store: PostgreSQL at {Where}, schema version {Version}")]
    public static partial void Opened(ILogger logger, string where, int version);
}
