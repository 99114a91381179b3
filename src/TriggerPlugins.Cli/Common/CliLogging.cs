using Microsoft.Extensions.Logging;

namespace TriggerPlugins.Cli.Common;

/// <summary>Console logging for the commands: to standard error, so standard output stays machine-readable.</summary>
internal static class CliLogging
{
    /// <param name="minimumLevel">The least severe level shown.</param>
    /// <param name="outcomesOnStandardOutput">
    /// True when the command prints each delivery's outcome itself (<c>run</c>): the processor's dead-letter errors
    /// would say it a second time, so below Debug only its warnings ("will retry at") are shown.
    /// </param>
    public static ILoggerFactory Create(LogLevel minimumLevel, bool outcomesOnStandardOutput = false) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(minimumLevel)
        .AddFilter(
            "TriggerPlugins.Host.Delivery.DeliveryProcessor",
            level => level >= minimumLevel && (!outcomesOnStandardOutput || minimumLevel <= LogLevel.Debug || level == LogLevel.Warning))
        .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
        .AddFilter("Microsoft.Hosting", LogLevel.Warning)
        .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        }));
}
