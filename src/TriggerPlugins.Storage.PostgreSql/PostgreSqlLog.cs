using Microsoft.Extensions.Logging;

namespace TriggerPlugins.Storage.PostgreSql;

/// <summary>The PostgreSQL store's log messages; event ids 1500-1599 are this project's.</summary>
internal static partial class PostgreSqlLog
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Delivery store at {Where}: applied schema migration {Version} ({Description})")]
    public static partial void MigrationApplied(ILogger logger, int version, string description, string where);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Delivery store: PostgreSQL at {Where}, schema version {Version}")]
    public static partial void Opened(ILogger logger, string where, int version);
}
