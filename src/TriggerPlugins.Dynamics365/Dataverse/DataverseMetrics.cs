using System.Diagnostics.Metrics;
using System.Net;

namespace TriggerPlugins.Dynamics365.Dataverse;

/// <summary>
/// Dataverse Web API requests per environment and Dynamics user (the unit of Dynamics' service-protection limits), by
/// HTTP status: meter <see cref="MeterName"/>, exported by `triggers serve` at /metrics
/// (<c>dynamics365_requests_total{environment,user,status}</c>; 429s are <c>status="429"</c>).
/// </summary>
internal static class DataverseMetrics
{
    public const string MeterName = "TriggerPlugins.Dynamics365";

    private static readonly Meter Meter = new(MeterName, "1.0.0");
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("dynamics365.requests", "{request}", "Dataverse Web API requests by environment, user and HTTP status.");

    public static void Request(Uri environment, string? user, HttpStatusCode status) =>
        Requests.Add(1, new("environment", environment.Host), new("user", user ?? "unknown"), new("status", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
