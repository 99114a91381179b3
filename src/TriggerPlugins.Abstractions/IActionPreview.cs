namespace TriggerPlugins.Abstractions;

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
