using System.Diagnostics.Metrics;
using System.Net;

namespace TriggerPlugins.Dynamics365.Dataverse;

/// <summary>
/// Dataverse Web API requests per account, environment and Dynamics user (the user is the unit of Dynamics'
/// service-protection limits), by HTTP status: meter <see cref="MeterName"/>, exported by `triggers serve` at /metrics
/// (<c>dynamics365_requests_total{account,environment,user,status}</c>; 429s are <c>status="429"</c>).
/// </summary>
/// <remarks>
/// Accounts with the same content share one runtime (one budget per Dynamics user), so the client that sends a request
/// does not know which account's delivery it serves. The action sets <see cref="CurrentAccount"/> for the duration of
/// one delivery or check; it flows with the async calls into the client, where the request is counted.
/// </remarks>
internal static class DataverseMetrics
{
    public const string MeterName = "TriggerPlugins.Dynamics365";

    private static readonly Meter Meter = new(MeterName, "1.0.0");
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("dynamics365.requests", "{request}", "Dataverse Web API requests by account, environment, user and HTTP status.");
    private static readonly AsyncLocal<string?> Account = new();

    /// <summary>The account (its file's name) whose delivery or check the current async flow runs.</summary>
    public static string? CurrentAccount
    {
        get => Account.Value;
        set => Account.Value = value;
    }

    public static void Request(Uri environment, string? user, HttpStatusCode status) =>
        Requests.Add(
            1,
            new("account", CurrentAccount ?? "unknown"),
            new("environment", environment.Host),
            new("user", user ?? "unknown"),
            new("status", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
