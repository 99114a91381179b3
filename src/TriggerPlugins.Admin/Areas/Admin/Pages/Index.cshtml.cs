namespace TriggerPlugins.Admin.Pages;

/// <summary>The overview: what is loaded, what is stuck, what is wrong.</summary>
public sealed class IndexModel(ConfigFolder folder, PluginCatalog plugins, IDeliveryStore store) : PageModel
{
    public TriggerConfiguration Configuration { get; private set; } = null!;

    public long DeadLettered { get; private set; }

    public long Pending { get; private set; }

    public int PluginCount => plugins.Plugins.Count;

    public int RefusedCount => plugins.Failures.Count;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Configuration = folder.Load();
        // Counted by the store: the page never reads deliveries (a backlog after an outage can hold many thousands).
        var stats = await store.GetStatsAsync(cancellationToken);
        DeadLettered = stats.CountByStatus.GetValueOrDefault(DeliveryStatus.DeadLettered);
        Pending = stats.CountByStatus.GetValueOrDefault(DeliveryStatus.Pending);
    }
}
