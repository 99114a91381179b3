using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Intake;

/// <summary>
/// The configuration in force and its trigger engine, replaced as one (a reload swaps both at once). The intake
/// matches each event against the engine current when it reads it; a delivery's attempts read their account and
/// configuration settings from the configuration current at the attempt. Thread-safe.
/// </summary>
public sealed class RunningConfiguration
{
    private readonly IReadOnlyList<PluginManifest> _manifests;
    private Snapshot _current;

    /// <summary>Starts with <paramref name="configuration"/>, which must have no errors.</summary>
    /// <param name="configuration">The configuration to put in force.</param>
    /// <param name="manifests">
    /// The loaded plugins' manifests: their <c>environmentFields</c> put each account's environment in the delivery ids
    /// (<see cref="DeliveryEnvironments"/>), so a delivery done in one environment is never taken as done in another.
    /// </param>
    public RunningConfiguration(TriggerConfiguration configuration, IEnumerable<PluginManifest>? manifests = null)
    {
        _manifests = [.. manifests ?? []];
        _current = Create(configuration);
    }

    /// <summary>The configuration in force.</summary>
    public TriggerConfiguration Configuration => Volatile.Read(ref _current).Configuration;

    /// <summary>Its trigger engine.</summary>
    public TriggerEngine Engine => Volatile.Read(ref _current).Engine;

    /// <summary>Replaces the configuration (and engine) atomically; throws when it has errors.</summary>
    public void Replace(TriggerConfiguration configuration) => Volatile.Write(ref _current, Create(configuration));

    private Snapshot Create(TriggerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.HasErrors)
        {
            throw new ArgumentException("A configuration with errors cannot be put in force.", nameof(configuration));
        }

        return new Snapshot(configuration, new TriggerEngine(configuration.Triggers, environmentOf: DeliveryEnvironments.From(configuration, _manifests)));
    }

    private sealed record Snapshot(TriggerConfiguration Configuration, TriggerEngine Engine);
}
