using Microsoft.Extensions.Logging;

namespace TriggerPlugins.Server;

/// <summary>
/// The server's log messages, source-generated; event ids 1400-1499 are this project's, pinned here so log queries can
/// rely on them (the host has 10xx-13xx, the PostgreSQL store 15xx, the console 16xx).
/// </summary>
internal static partial class Log
{
    public const int ReloadProblemId = 1401;
    public const int ReloadRefusedId = 1402;
    public const int ReloadedId = 1403;
    public const int SampleFailedId = 1404;
    public const int RecoveredId = 1405;
    public const int ListeningId = 1406;

    [LoggerMessage(EventId = ReloadProblemId, Level = LogLevel.Error, Message = "Config reload refused: {Problem}")]
    public static partial void ReloadProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = ReloadRefusedId, Level = LogLevel.Error, Message = "The changed config folder has {ProblemCount} problem(s) (above); the previous config stays in force and /readyz reports it")]
    public static partial void ReloadRefused(ILogger logger, int problemCount);

    [LoggerMessage(EventId = ReloadedId, Level = LogLevel.Information, Message = "Config reloaded: {Triggers} trigger(s), {Accounts} account(s) in force")]
    public static partial void Reloaded(ILogger logger, int triggers, int accounts);

    [LoggerMessage(EventId = SampleFailedId, Level = LogLevel.Warning, Message = "Could not read the queue figures for the metrics ({Error}: {Message})")]
    public static partial void SampleFailed(ILogger logger, string error, string message);

    [LoggerMessage(EventId = RecoveredId, Level = LogLevel.Warning, Message = "Resumed {Count} deliveries that were in flight when the previous process stopped")]
    public static partial void Recovered(ILogger logger, int count);

    [LoggerMessage(EventId = ListeningId, Level = LogLevel.Information, Message = "triggers serve: listening on {Urls}, config {Config}, data {Data}")]
    public static partial void Listening(ILogger logger, string urls, string config, string data);
}
