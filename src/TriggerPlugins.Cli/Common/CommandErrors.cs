using System.Net.Sockets;
using System.Security;
using Microsoft.Data.Sqlite;
using TriggerPlugins.DataverseEmulator;

namespace TriggerPlugins.Cli.Common;

/// <summary>Which exceptions come from the user's environment or input (exit 2, one line) rather than from a bug.</summary>
internal static class CommandErrors
{
    public static bool IsUserMistake(Exception exception) => exception is IOException or UnauthorizedAccessException or SecurityException
        or SqliteException or SocketException or EmulatorSeedException or PathTooLongException;

    /// <summary>The message, with what to do for the common cases.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        UnauthorizedAccessException or SqliteException { SqliteErrorCode: 8 or 14 } =>
            $"{exception.Message.TrimEnd('.')}: a folder or file cannot be written or opened; check --data (or the other paths given) points at a folder you can write.",
        IOException when exception.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) =>
            $"{exception.Message.TrimEnd('.')}: the port is taken by another process (another `triggers emulator`?); stop it or choose another port.",
        _ => exception.Message,
    };
}
