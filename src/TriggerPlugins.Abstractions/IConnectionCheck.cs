namespace TriggerPlugins.Abstractions;

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
