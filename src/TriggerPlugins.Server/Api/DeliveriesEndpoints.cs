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
        if (QueryFilter.Parse(request.Query, out var filter, out var limit) is { } problem)
        {
            return EventsEndpoint.Problem(StatusCodes.Status400BadRequest, problem);
        }

        var matching = await store.ListMatchingAsync(filter, limit, cancellationToken);
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
        if (QueryFilter.Parse(request.Query, out var filter, out _) is { } problem)
        {
            return EventsEndpoint.Problem(StatusCodes.Status400BadRequest, problem);
        }

        if (filter.Status is { } status && status != DeliveryStatus.DeadLettered)
        {
            return EventsEndpoint.Problem(StatusCodes.Status400BadRequest, "retry takes dead-lettered deliveries only; filter with account=, code=, since= (status=dead-lettered is implied)");
        }

        // One statement in the store: no list of ids is loaded, however many dead letters match.
        var retried = await store.RetryManyAsync(filter with { Status = DeliveryStatus.DeadLettered }, timeProvider.GetUtcNow(), cancellationToken);
        workers.Wake();
        return Results.Json(new { retried });
    }

    public static async Task<IResult> DiscardAsync(string id, IDeliveryStore store, CancellationToken cancellationToken) =>
        await store.DiscardAsync(id, cancellationToken)
            ? Results.NoContent()
            : EventsEndpoint.Problem(StatusCodes.Status404NotFound, $"no pending or dead-lettered delivery has id '{id}' (one in flight or succeeded cannot be discarded)");

    /// <summary>
    /// The query's filter, as <c>triggers deliveries list</c> takes it: status, account, code (the dead letter's failure
    /// code, exact or a prefix ending in <c>*</c>), since (ISO 8601: last changed at or after), limit. The store applies
    /// it in its query, so a big queue is never loaded to be filtered here.
    /// </summary>
    private static class QueryFilter
    {
        private const string Usage = "filters: status=pending|in-flight|succeeded|dead-lettered, account=<name>, code=<failure code, or a prefix such as auth.*>, since=<ISO 8601 time, e.g. 2025-03-14T09:00:00Z>, limit=1..1000";

        /// <summary>Reads the query; returns the problem with it, or <see langword="null"/> when it is valid.</summary>
        public static string? Parse(IQueryCollection query, out DeliveryFilter filter, out int limit)
        {
            filter = DeliveryFilter.All;
            limit = DefaultLimit;
            DeliveryStatus? status = null;
            if (query["status"].ToString() is { Length: > 0 } statusText)
            {
                var found = Enum.GetValues<DeliveryStatus>().Where(s => TriggersMetrics.StatusName(s) == statusText).ToList();
                if (found.Count == 0)
                {
                    return $"status '{statusText}' is not one of pending, in-flight, succeeded, dead-lettered; {Usage}";
                }

                status = found[0];
            }

            DateTimeOffset? since = null;
            if (query["since"].ToString() is { Length: > 0 } sinceText)
            {
                if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return $"since '{sinceText}' is not an ISO 8601 time; {Usage}";
                }

                since = parsed;
            }

            if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
            {
                return $"limit '{limitText}' is not a number from 1 to {MaxLimit}; {Usage}";
            }

            filter = new DeliveryFilter { Status = status, Account = Empty(query["account"]), Code = Empty(query["code"]), Since = since };
            return null;
        }

        private static string? Empty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } text ? text : null;
    }
}
