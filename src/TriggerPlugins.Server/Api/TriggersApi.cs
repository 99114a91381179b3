using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Server.Security;

namespace TriggerPlugins.Server.Api;

/// <summary>The HTTP surface of `triggers serve`; another feature (the admin console) maps its own routes next to it.</summary>
public static class TriggersApi
{
    /// <summary>
    /// Maps <c>/healthz</c>, <c>/readyz</c> (anonymous: probes) and <c>/api/v1/*</c> (API key, see <see cref="ApiKeys"/>).
    /// <c>/metrics</c> is mapped by <see cref="TriggersServer"/> (the Prometheus exporter).
    /// </summary>
    public static IEndpointRouteBuilder MapTriggersApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/healthz", () => Results.Text("alive\n"));
        endpoints.MapGet("/readyz", ReadyAsync);

        var api = endpoints.MapGroup("/api/v1").AddEndpointFilter(async (context, next) =>
        {
            var keys = context.HttpContext.RequestServices.GetService(typeof(ApiKeys)) as ApiKeys;
            if (keys?.Refusal(context.HttpContext) is { } refusal)
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                return EventsEndpoint.Problem(StatusCodes.Status401Unauthorized, refusal);
            }

            return await next(context);
        });
        api.MapPost("/events", EventsEndpoint.PostAsync);
        api.MapGet("/deliveries", DeliveriesEndpoints.ListAsync);
        api.MapPost("/deliveries/retry", DeliveriesEndpoints.RetryManyAsync);
        api.MapPost("/deliveries/{id}/retry", DeliveriesEndpoints.RetryOneAsync);
        api.MapDelete("/deliveries/{id}", DeliveriesEndpoints.DiscardAsync);
        return endpoints;
    }

    // Ready: not stopping, the config folder's last change was valid, plugins loaded, the store takes writes.
    private static async Task<IResult> ReadyAsync(ServerState state, PluginCatalog plugins, IDeliveryStore store, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        if (state.Stopping)
        {
            reasons.Add("stopping: no new events are accepted");
        }

        if (state.ConfigProblems.Count > 0)
        {
            reasons.Add($"the last change to the config folder was refused (the previous config is still in force): {string.Join("; ", state.ConfigProblems)}");
        }

        if (plugins.Plugins.Count == 0)
        {
            reasons.Add("no plugin is loaded");
        }

        if (!await store.IsWritableAsync(cancellationToken))
        {
            reasons.Add("the delivery store cannot be written (disk full, permissions, or the file is locked)");
        }

        return reasons.Count == 0
            ? Results.Json(new { ready = true })
            : Results.Json(new { ready = false, reasons }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
