using System.Net.Http.Headers;

namespace TriggerPlugins.Dynamics365.Http;

/// <summary>
/// Adds the headers every Web API request carries: <c>OData-Version: 4.0</c>, <c>OData-MaxVersion: 4.0</c> and
/// <c>Accept: application/json</c>, as "Compose HTTP requests and handle errors" lists them
/// (learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors#http-headers).
/// Per-request headers (<c>Prefer</c>, <c>If-Match</c>) stay with the request.
/// </summary>
internal sealed class ODataHeadersHandler : DelegatingHandler
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers;
        headers.Remove("OData-Version");
        headers.Remove("OData-MaxVersion");
        headers.Add("OData-Version", "4.0");
        headers.Add("OData-MaxVersion", "4.0");
        if (!headers.Accept.Contains(Json))
        {
            headers.Accept.Add(Json);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
