using Microsoft.Extensions.Logging;

namespace TriggerPlugins.DataverseEmulator;

/// <summary>
/// The emulator's log messages, source-generated; event ids 30xx are this project's, pinned here (the host has 1xxx,
/// the Dynamics 365 plugin 2xxx), with the plugin's placeholder names for the same values.
/// </summary>
internal static partial class Log
{
    public const int UnexpectedErrorId = 3001;
    public const int AnsweredId = 3002;
    public const int ListeningId = 3003;

    [LoggerMessage(EventId = UnexpectedErrorId, Level = LogLevel.Error, Message = "Unexpected emulator error on {Method} {Path}")]
    public static partial void UnexpectedError(ILogger logger, Exception exception, string method, string? path);

    // Status 0: the connection was dropped (fault injection, or the client went away).
    [LoggerMessage(EventId = AnsweredId, Level = LogLevel.Debug, Message = "{Method} {Path} -> {StatusCode} in {ElapsedMs} ms")]
    public static partial void Answered(ILogger logger, string method, string path, int statusCode, long elapsedMs);

    [LoggerMessage(EventId = ListeningId, Level = LogLevel.Information, Message = "Dataverse emulator listening on {BaseUri} (certificate SHA-256 {Thumbprint})")]
    public static partial void Listening(ILogger logger, Uri baseUri, string thumbprint);
}
