namespace TriggerPlugins.Abstractions;

/// <summary>
/// Request budgets shared by every host working on the same delivery queue (contract 1.2), offered to plugins through
/// <see cref="PluginContext.SharedRateLimits"/>. A plugin that calls a rate-limited service (for example Dataverse's
/// per-user service protection) takes its permits here, so several hosts together stay under the service's limit, and
/// a refusal seen by one host (HTTP 429) holds every host back until it has passed.
/// </summary>
/// <remarks>
/// <para>A budget is named by a key the plugin chooses: it must identify the limited party (for example the service's
/// URL and the user's client id) and never hold a secret, since hosts store it (in the PostgreSQL queue's database).</para>
/// <para>Permits are handed out in small blocks that must be used within <see cref="RatePermits.UseWithin"/>: each
/// block is counted in the budget's sliding window from the end of that time, so the service can never count a
/// permitted request later than the budget does. Unused permits are not returned (stricter, never looser).</para>
/// <para>Calls may fail (the store's database unreachable): a plugin must then not send the request, and should
/// answer it as a transient failure.</para>
/// </remarks>
public interface ISharedRateLimits
{
    /// <summary>Takes up to <paramref name="wanted"/> permits of <paramref name="key"/>'s budget of <paramref name="limit"/> per sliding <paramref name="window"/>.</summary>
    /// <param name="key">The budget's name (see the remarks): at most 400 characters.</param>
    /// <param name="wanted">Permits wanted, at least 1.</param>
    /// <param name="limit">Permits allowed in any <paramref name="window"/>, at least 1; all hosts must pass the same.</param>
    /// <param name="window">The sliding window, positive.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The permits granted (possibly none: then when to ask again), and whether the key is closed.</returns>
    ValueTask<RatePermits> TakeAsync(string key, int wanted, int limit, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>
    /// Closes <paramref name="key"/> for <paramref name="duration"/> on every host (a later close wins; an earlier one
    /// never shortens it): until then <see cref="TakeAsync"/> grants nothing and reports it closed.
    /// </summary>
    /// <param name="key">The budget's name.</param>
    /// <param name="duration">How long from now, positive (for example the service's Retry-After plus a margin).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask CloseAsync(string key, TimeSpan duration, CancellationToken cancellationToken);
}
