namespace TriggerPlugins.Admin;

/// <summary>Where the console reads and writes.</summary>
public sealed class AdminConsoleOptions
{
    /// <summary>The config folder the host runs (accounts/, configurations/, triggers/); the console saves into it.</summary>
    public string ConfigDirectory { get; set; } = string.Empty;

    /// <summary>The data folder: admins (<c>admin-users.json</c>) and API keys (<c>api-keys.json</c>) live here.</summary>
    public string DataDirectory { get; set; } = string.Empty;

    /// <summary>Reads environment variables for <c>env:NAME</c> values in accounts (the process environment by default).</summary>
    public Func<string, string?> Environment { get; set; } = System.Environment.GetEnvironmentVariable;
}

/// <summary>What the console tells its host: hooks for reloading and for running retried deliveries.</summary>
public interface IAdminConsoleEvents
{
    /// <summary>A file of the config folder was saved: reload it.</summary>
    Task ConfigurationSavedAsync(CancellationToken cancellationToken);

    /// <summary>Deliveries were moved back to pending: run them (a host whose workers poll the store can ignore this).</summary>
    Task DeliveriesRetriedAsync(IReadOnlyList<string> deliveryIds, CancellationToken cancellationToken);
}

/// <summary>The default hooks: nothing to tell (a host that reloads on its own, or a read-only one).</summary>
internal sealed class NoAdminConsoleEvents : IAdminConsoleEvents
{
    public Task ConfigurationSavedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DeliveriesRetriedAsync(IReadOnlyList<string> deliveryIds, CancellationToken cancellationToken) => Task.CompletedTask;
}
