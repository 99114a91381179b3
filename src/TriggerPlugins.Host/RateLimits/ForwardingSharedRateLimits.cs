using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.RateLimits;

/// <summary>
/// The budgets given to plugins loaded before the delivery store is open (the CLI loads plugins, then the config, then
/// the queue): in memory until <see cref="Target"/> is set to the store's, which may be shared with other hosts.
/// </summary>
public sealed class ForwardingSharedRateLimits(ISharedRateLimits initial) : ISharedRateLimits
{
    private volatile ISharedRateLimits _target = initial;

    /// <summary>The budgets calls go to.</summary>
    public ISharedRateLimits Target
    {
        get => _target;
        set => _target = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <inheritdoc/>
    public ValueTask<RatePermits> TakeAsync(string key, int wanted, int limit, TimeSpan window, CancellationToken cancellationToken)
        => _target.TakeAsync(key, wanted, limit, window, cancellationToken);

    /// <inheritdoc/>
    public ValueTask CloseAsync(string key, TimeSpan duration, CancellationToken cancellationToken)
        => _target.CloseAsync(key, duration, cancellationToken);
}
