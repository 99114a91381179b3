namespace TriggerPlugins.Admin.Pages.Deliveries;

/// <summary>The delivery queue with filters (status, account, failure, time), and retry or discard of many at once.</summary>
public sealed class IndexModel(IDeliveryStore store, ConfigFolder folder, IAdminConsoleEvents events, TimeProvider timeProvider, ILogger<IndexModel> logger) : PageModel
{
    /// <summary>The most deliveries the table reads from the store (newest first after filtering).</summary>
    public const int Limit = 1000;

    [BindProperty(SupportsGet = true)]
    public DeliveryStatus? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateTime? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateTime? To { get; set; }

    public IReadOnlyList<DeliveryRecord> Rows { get; private set; } = [];

    public IReadOnlyList<string> AccountNames => folder.Names(ConfigurationLoader.AccountsFolder);

    public static string StatusName(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.InFlight => "in flight",
        DeliveryStatus.Succeeded => "succeeded",
        _ => "dead-lettered",
    };

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var filter = new DeliveryFilter
        {
            Status = Status,
            Account = string.IsNullOrEmpty(Account) ? null : Account,
            Code = string.IsNullOrWhiteSpace(Code) ? null : Code.Trim(),
            Since = From is { } f ? new DateTimeOffset(DateTime.SpecifyKind(f, DateTimeKind.Utc)) : null,
            Until = To is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null,
        };
        // The store keeps the newest rows only: a queue of a million deliveries is never read into memory.
        Rows = await store.ListRecentAsync(filter, Limit, cancellationToken);
    }

    public async Task<IActionResult> OnPostRetryAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var retried = await RetryAsync(store, events, timeProvider, ids, cancellationToken);
        Log.DeliveriesRetried(logger, User.Identity?.Name, retried.Count);
        TempData["Message"] = $"{retried.Count} of {Counted.Of(ids.Count, "delivery", "deliveries")} moved back to pending (only dead-lettered ones can be retried).";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDiscardAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var discarded = 0;
        foreach (var id in ids)
        {
            discarded += await store.DiscardAsync(id, cancellationToken) ? 1 : 0;
        }

        Log.DeliveriesDiscarded(logger, User.Identity?.Name, discarded);
        TempData["Message"] = $"{discarded} of {Counted.Of(ids.Count, "delivery", "deliveries")} discarded (only dead-lettered and pending ones can be).";
        return RedirectToPage();
    }

    /// <summary>Moves dead-lettered deliveries back to pending and tells the host to run them.</summary>
    internal static async Task<List<string>> RetryAsync(IDeliveryStore store, IAdminConsoleEvents events, TimeProvider timeProvider, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var retried = new List<string>();
        foreach (var id in ids)
        {
            if (await store.RetryAsync(id, timeProvider.GetUtcNow(), cancellationToken))
            {
                retried.Add(id);
            }
        }

        if (retried.Count > 0)
        {
            await events.DeliveriesRetriedAsync(retried, cancellationToken);
        }

        return retried;
    }
}
