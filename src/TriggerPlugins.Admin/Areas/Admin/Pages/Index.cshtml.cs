namespace TriggerPlugins.Admin.Pages;

/// <summary>The overview: what is loaded, what is stuck, what is wrong.</summary>
public sealed class IndexModel(ConfigFolder folder, PluginCatalog plugins, IDeliveryStore store) : PageModel
{
    public TriggerConfiguration Configuration { get; private set; } = null!;

    public int DeadLettered { get; private set; }

    public int Pending { get; private set; }

    public int PluginCount => plugins.Plugins.Count;

    public int RefusedCount => plugins.Failures.Count;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Configuration = folder.Load();
        DeadLettered = (await store.ListAsync(DeliveryStatus.DeadLettered, 10_000, cancellationToken)).Count;
        Pending = (await store.ListAsync(DeliveryStatus.Pending, 10_000, cancellationToken)).Count;
    }
}
