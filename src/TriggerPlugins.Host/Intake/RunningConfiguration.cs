using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Intake;

/// <summary>
/// The configuration in force and its trigger engine, replaced as one (a reload swaps both at once). The intake
/// matches each event against the engine current when it reads it; a delivery's attempts read their account and
/// configuration settings from the configuration current at the attempt. Thread-safe.
/// </summary>
public sealed class RunningConfiguration
{
    private Snapshot _current;

    /// <summary>Starts with <paramref name="configuration"/>, which must have no errors.</summary>
    public RunningConfiguration(TriggerConfiguration configuration) => _current = Create(configuration);

    /// <summary>The configuration in force.</summary>
    public TriggerConfiguration Configuration => Volatile.Read(ref _current).Configuration;

    /// <summary>Its trigger engine.</summary>
    public TriggerEngine Engine => Volatile.Read(ref _current).Engine;

    /// <summary>Replaces the configuration (and engine) atomically; throws when it has errors.</summary>
    public void Replace(TriggerConfiguration configuration) => Volatile.Write(ref _current, Create(configuration));

    private static Snapshot Create(TriggerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.HasErrors)
        {
            throw new ArgumentException("A configuration with errors cannot be put in force.", nameof(configuration));
        }

        return new Snapshot(configuration, new TriggerEngine(configuration.Triggers));
    }

    private sealed record Snapshot(TriggerConfiguration Configuration, TriggerEngine Engine);
}
