using System.Globalization;
using Microsoft.AspNetCore.Http;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Server.Services;

namespace TriggerPlugins.Server.Api;

/// <summary>
/// The durable queue over HTTP: list with filters, retry one or many (dead-lettered back to pending, due now, with a
/// new retry window), discard one (pending or dead-lettered only).
/// </summary>
internal static class DeliveriesEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static async Task<IResult> ListAsync(HttpRequest request, IDeliveryStore store, CancellationToken cancellationToken)
    {
        if (Filter.Parse(request.Query) is not { } filter)
        {
            return EventsEndpoint.Problem(StatusCodes.Status400BadRequest, Filter.Usage);
        }

        var matching = await filter.ApplyAsync(store, cancellationToken);
        return Results.Json(new { count = matching.Count, deliveries = matching.Select(d => EventsEndpoint.Describe(d)).ToList() });
    }

    public static async Task<IResult> RetryOneAsync(string id, IDeliveryStore store, DeliveryWorkers workers, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!await store.RetryAsync(id, timeProvider.GetUtcNow(), cancellationToken))
        {
            return EventsEndpoint.Problem(StatusCodes.Status404NotFound, $"no dead-lettered delivery has id '{id}' (`GET /api/v1/deliveries?status=dead-lettered` lists them)");
        }

        workers.Wake();
        return Results.Json(new { retried = 1, ids = new[] { id } });
    }

    public static async Task<IResult> RetryManyAsync(HttpRequest request, IDeliveryStore store, DeliveryWorkers workers, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (Filter.Parse(request.Query, defaultStatus: DeliveryStatus.DeadLettered, maxLimit: int.MaxValue) is not { Status: DeliveryStatus.DeadLettered } filter)
        {
            return EventsEndpoint.Problem(StatusCodes.Status400BadRequest, "retry takes dead-lettered deliveries only; filter with account=, code=, since= (status=dead-lettered is implied)");
        }

        var retried = new List<string>();
        foreach (var delivery in await filter.ApplyAsync(store, cancellationToken))
        {
            if (await store.RetryAsync(delivery.Id, timeProvider.GetUtcNow(), cancellationToken))
            {
                retried.Add(delivery.Id);
            }
        }

        workers.Wake();
        return Results.Json(new { retried = retried.Count, ids = retried });
    }

    public static async Task<IResult> DiscardAsync(string id, IDeliveryStore store, CancellationToken cancellationToken) =>
        await store.DiscardAsync(id, cancellationToken)
            ? Results.NoContent()
            : EventsEndpoint.Problem(StatusCodes.Status404NotFound, $"no pending or dead-lettered delivery has id '{id}' (one in flight or succeeded cannot be discarded)");

    /// <summary>The query filter: status, account, code (the failure code, as in the metrics), since (ISO 8601), limit.</summary>
    private sealed record Filter(DeliveryStatus? Status, string? Account, string? Code, DateTimeOffset? Since, int Limit)
    {
        public const string Usage = "filters: status=pending|in-flight|succeeded|dead-lettered, account=<name>, code=<failure code>, since=<ISO 8601 time, e.g. 2025-03-14T09:00:00Z>, limit=1..1000";

        public static Filter? Parse(IQueryCollection query, DeliveryStatus? defaultStatus = null, int maxLimit = MaxLimit)
        {
            DeliveryStatus? status = defaultStatus;
            if (query["status"].ToString() is { Length: > 0 } statusText)
            {
                var found = Enum.GetValues<DeliveryStatus>().Where(s => TriggersMetrics.StatusName(s) == statusText).ToList();
                if (found.Count == 0)
                {
                    return null;
                }

                status = found[0];
            }

            DateTimeOffset? since = null;
            if (query["since"].ToString() is { Length: > 0 } sinceText)
            {
                if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return null;
                }

                since = parsed;
            }

            var limit = maxLimit == int.MaxValue ? int.MaxValue : DefaultLimit;
            if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > maxLimit))
            {
                return null;
            }

            return new Filter(status, Empty(query["account"]), Empty(query["code"]), since, limit);
        }

        // The store lists by status; the other filters apply here, over that status's deliveries, oldest first.
        public async Task<IReadOnlyList<DeliveryRecord>> ApplyAsync(IDeliveryStore store, CancellationToken cancellationToken)
        {
            var listed = await store.ListAsync(Status, int.MaxValue, cancellationToken);
            return [.. listed
                .Where(d => Account is null || d.Action.Account == Account)
                .Where(d => Code is null || TriggersMetrics.FailureCode(d) == Code)
                .Where(d => Since is null || d.CreatedAt >= Since)
                .Take(Limit)];
        }

        private static string? Empty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } text ? text : null;
    }
}
