using Microsoft.Extensions.Logging;

namespace TriggerPlugins.Cli.Common;

/// <summary>Console logging for the commands: to standard error, so standard output stays machine-readable.</summary>
internal static class CliLogging
{
    public static ILoggerFactory Create(LogLevel minimumLevel) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(minimumLevel)
        .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
        .AddFilter("Microsoft.Hosting", LogLevel.Warning)
        .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        }));
}
