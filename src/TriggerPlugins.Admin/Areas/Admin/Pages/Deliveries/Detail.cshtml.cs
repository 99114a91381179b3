using System.Text.Json;

namespace TriggerPlugins.Admin.Pages.Deliveries;

/// <summary>One delivery: attempts, last error, ticket link, the call event; retry or discard.</summary>
public sealed class DetailModel(IDeliveryStore store, IAdminConsoleEvents events, TimeProvider timeProvider, ILogger<DetailModel> logger) : PageModel
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public DeliveryRecord Delivery { get; private set; } = null!;

    public string EventJson { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } delivery)
        {
            return NotFound();
        }

        Delivery = delivery;
        using var document = JsonDocument.Parse(delivery.EventJson);
        EventJson = JsonSerializer.Serialize(document.RootElement, Indented);
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(string id, CancellationToken cancellationToken)
    {
        var retried = await IndexModel.RetryAsync(store, events, timeProvider, [id], cancellationToken);
        Log.DeliveriesRetried(logger, User.Identity?.Name, retried.Count);
        TempData["Message"] = retried.Count == 1 ? "Moved back to pending: it runs again now." : "Only a dead-lettered delivery can be retried.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostDiscardAsync(string id, CancellationToken cancellationToken)
    {
        var discarded = await store.DiscardAsync(id, cancellationToken);
        Log.DeliveriesDiscarded(logger, User.Identity?.Name, discarded ? 1 : 0);
        TempData["Message"] = discarded ? $"Delivery {id} discarded." : "Only a dead-lettered or pending delivery can be discarded.";
        return RedirectToPage("Index");
    }
}
