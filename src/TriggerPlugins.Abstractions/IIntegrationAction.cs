namespace TriggerPlugins.Abstractions;

/// <summary>
/// A trigger action supplied by a plugin, such as "dynamics 365 integration".
/// </summary>
/// <remarks>
/// <para>
/// The host creates one instance per plugin, through a public constructor that takes a
/// <see cref="PluginContext"/> (or a parameterless one), and calls it concurrently for many calls:
/// implementations must be thread-safe. An implementation that also implements
/// <see cref="IAsyncDisposable"/> is disposed when the host unloads it.
/// </para>
/// <para>
/// An expected failure (bad settings, the remote service down, throttling) is returned as an
/// <see cref="ActionOutcome"/>, never thrown: an exception is treated by the host as a bug in the plugin.
/// </para>
/// </remarks>
public interface IIntegrationAction
{
    /// <summary>The plugin's id; equals the <c>id</c> of its manifest (for example <c>dynamics365</c>).</summary>
    string Id { get; }

    /// <summary>
    /// Checks an account and a configuration without any network call. Called when settings are
    /// loaded, so mistakes are reported before the first call arrives.
    /// </summary>
    /// <param name="settings">The account and configuration to check.</param>
    /// <returns>Every problem found; errors make the settings unusable, warnings do not.</returns>
    ValidationReport Validate(ActionSettings settings);

    /// <summary>Runs the action for one call.</summary>
    /// <param name="request">The call, the settings and the delivery identity.</param>
    /// <param name="cancellationToken">Cancelled when the host stops or the delivery times out.</param>
    /// <returns>The outcome: success, a transient failure worth retrying, or a permanent failure.</returns>
    Task<ActionOutcome> ExecuteAsync(ActionRequest request, CancellationToken cancellationToken);
}
