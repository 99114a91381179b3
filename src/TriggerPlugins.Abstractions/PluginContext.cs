using Microsoft.Extensions.Logging;

namespace TriggerPlugins.Abstractions;

/// <summary>What the host gives a plugin when it creates it.</summary>
public sealed class PluginContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="pluginDirectory">The folder the plugin was loaded from.</param>
    /// <param name="loggerFactory">The host's logger factory.</param>
    /// <param name="timeProvider">The host's clock; tests replace it.</param>
    public PluginContext(string pluginDirectory, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginDirectory);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        PluginDirectory = pluginDirectory;
        LoggerFactory = loggerFactory;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The folder the plugin was loaded from: its manifest and default templates are there.</summary>
    public string PluginDirectory { get; }

    /// <summary>Creates loggers; write message templates, never secrets.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The clock to use for caches and timestamps.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// Request budgets shared with every other host working on the same delivery queue (contract 1.2), or null when the
    /// host offers none (a host older than 1.2): the plugin then paces on its own, in this process only.
    /// </summary>
    public ISharedRateLimits? SharedRateLimits { get; init; }
}
