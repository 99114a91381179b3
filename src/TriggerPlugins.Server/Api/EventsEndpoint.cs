using System.Text;
using Microsoft.AspNetCore.Http;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Events;
using TriggerPlugins.Host.Intake;
using TriggerPlugins.Server.Services;

namespace TriggerPlugins.Server.Api;

/// <summary>
/// <c>POST /api/v1/events</c>: one JSON event, or NDJSON (<c>application/x-ndjson</c>) of many. Answers 202 when every
/// event was accepted (its deliveries are on disk) and 400 when some were invalid: the body lists, per event, its
/// planned deliveries, <c>no-match</c>, or the line's problem; the valid events of the request are accepted either way.
/// </summary>
internal static class EventsEndpoint
{
    public static async Task<IResult> PostAsync(HttpContext context, EventIntake intake, ServerOptions options, ServerState state, TriggersMetrics metrics, CancellationToken cancellationToken)
    {
        if (state.Stopping)
        {
            context.Response.Headers.RetryAfter = "5";
            return Problem(StatusCodes.Status503ServiceUnavailable, "the server is stopping and accepts no more events; send them again in a moment (to it after its restart, or to another instance)");
        }

        // The body is bounded by Kestrel's MaxRequestBodySize (413 beyond ServerOptions.MaxBodyBytes), so it is read whole.
        string body;
        try
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(cancellationToken);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {options.MaxBodyBytes} bytes; send the events in smaller batches");
        }

        var parsed = new List<ParsedCallEvent>();
        var lineNumber = 0;
        foreach (var range in body.AsSpan().Split('\n'))
        {
            lineNumber++;
            var line = body.AsSpan(range).TrimEnd('\r');
            if (line.IsWhiteSpace())
            {
                continue;
            }

            parsed.Add(line.Length > options.MaxLineLength
                ? new ParsedCallEvent(lineNumber, null, $"line {lineNumber}: {line.Length} characters, more than the {options.MaxLineLength} one event may have")
                : CallEventReader.Parse(line.ToString(), lineNumber));
            if (parsed.Count > options.MaxEventsPerRequest)
            {
                return Problem(StatusCodes.Status413PayloadTooLarge, $"more than {options.MaxEventsPerRequest} events in one request; send them in batches of at most {options.MaxEventsPerRequest}");
            }
        }

        if (parsed.Count == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "the body holds no event: send one JSON call event, or NDJSON (one event a line) as application/x-ndjson");
        }

        var valid = parsed.Where(p => p.Succeeded).ToList();
        IReadOnlyList<AcceptedEvent> accepted;
        try
        {
            accepted = valid.Count == 0 ? [] : await intake.AcceptAsync([.. valid.Select(p => p.Event!)], cancellationToken);
        }
        catch (IntakeUnavailableException exception)
        {
            context.Response.Headers.RetryAfter = "5";
            return Problem(StatusCodes.Status503ServiceUnavailable, exception.Message);
        }

        var results = new List<object>(parsed.Count);
        var next = 0;
        foreach (var item in parsed)
        {
            results.Add(item.Succeeded ? Describe(item.LineNumber, accepted[next++]) : new { line = item.LineNumber, status = "invalid", error = item.Error });
        }

        var invalid = parsed.Count - valid.Count;
        var conflicts = accepted.Count(a => a.Deliveries.Any(d => d.Conflict));
        metrics.Events(parsed.Count, valid.Count - conflicts, invalid + conflicts);
        var answer = new { accepted = valid.Count - conflicts, invalid, conflicts, events = results };
        var status = invalid > 0 ? StatusCodes.Status400BadRequest : conflicts > 0 ? StatusCodes.Status409Conflict : StatusCodes.Status202Accepted;
        return Results.Json(answer, statusCode: status);
    }

    public static IResult Problem(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    public static object Describe(DeliveryRecord delivery, bool? created = null) => new
    {
        id = delivery.Id,
        eventId = delivery.EventId,
        trigger = delivery.TriggerName,
        action = new { plugin = delivery.Action.Plugin, account = delivery.Action.Account, configuration = delivery.Action.Configuration },
        status = TriggersMetrics.StatusName(delivery.Status),
        attempts = delivery.Attempts,
        created = created,
        createdAt = delivery.CreatedAt,
        nextAttemptAt = delivery.Status == DeliveryStatus.Pending ? delivery.NextAttemptAt : (DateTimeOffset?)null,
        lastError = delivery.LastError,
        ticket = delivery.ExternalId is null ? null : new { id = delivery.ExternalId, number = delivery.Number, url = delivery.Url },
    };

    private static object Describe(int line, AcceptedEvent accepted) => accepted.NoMatch
        ? new { line, id = accepted.Event.Id, status = "no-match" }
        : accepted.Deliveries.Any(d => d.Conflict)
        ? new
        {
            line,
            id = accepted.Event.Id,
            status = "conflict",
            error = $"event id '{accepted.Event.Id}' was already accepted with other content; nothing of this event was accepted: send changes under a new event id",
        }
        : new
        {
            line,
            id = accepted.Event.Id,
            status = accepted.Deliveries.All(d => !d.Created) ? "already-accepted" : "accepted",
            deliveries = accepted.Deliveries.Select(d => Describe(d.Record, d.Created)).ToList(),
        };
}
