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

/// <summary>
/// Optional: an action that can show what it would send for a call, without any network call
/// (used by <c>triggers render</c>).
/// </summary>
public interface IActionPreview
{
    /// <summary>Builds what <see cref="IIntegrationAction.ExecuteAsync"/> would send for the request.</summary>
    /// <param name="request">The call and the settings.</param>
    /// <param name="cancellationToken">Cancels the rendering.</param>
    /// <returns>The rendered fields and the request body.</returns>
    Task<ActionPreview> PreviewAsync(ActionRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Optional: an action that can check an account against the remote service (used by <c>triggers check</c>).
/// </summary>
public interface IConnectionCheck
{
    /// <summary>Authenticates with the account and makes one harmless call to the remote service.</summary>
    /// <param name="settings">The account (and a configuration, which may be empty) to check.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Whether the account works, with a message that says what failed.</returns>
    Task<ConnectionCheckResult> CheckConnectionAsync(ActionSettings settings, CancellationToken cancellationToken);
}
