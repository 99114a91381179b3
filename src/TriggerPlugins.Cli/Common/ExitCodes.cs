namespace TriggerPlugins.Cli.Common;

/// <summary>The exit codes of every `triggers` command (documented in the README).</summary>
internal static class ExitCodes
{
    /// <summary>Everything worked.</summary>
    public const int Success = 0;

    /// <summary>The command ran, but found problems: validation errors, failed or dead-lettered deliveries, a failed check.</summary>
    public const int Problems = 1;

    /// <summary>The command line or the configuration could not be used (wrong option, missing folder, unreadable files).</summary>
    public const int UsageError = 2;

    /// <summary>Interrupted (Ctrl+C): pending deliveries stay in the queue and resume on the next start.</summary>
    public const int Cancelled = 130;
}
