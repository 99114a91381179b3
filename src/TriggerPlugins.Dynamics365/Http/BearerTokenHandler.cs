using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Dynamics365.Auth;

namespace TriggerPlugins.Dynamics365.Http;

/// <summary>
/// Signs each Web API request with the user's token, and, when Dataverse answers 401, sends it once more with a new
/// token (a token can be revoked or expire early); the second 401 is the answer. Azure AD failures
/// (<see cref="Microsoft.Identity.Client.MsalException"/>) pass through to the caller.
/// </summary>
/// <remarks>
/// Dataverse authenticates every Web API request with an OAuth bearer token
/// (learn.microsoft.com/power-apps/developer/data-platform/authenticate-oauth). The request is sent again as it is:
/// the plugin's bodies are buffered (<see cref="StringContent"/>, a multipart of them), so they can be read twice.
/// </remarks>
/// <param name="getToken">The user's token; <c>true</c> asks for a new one (<see cref="AccessTokens.GetTokenAsync"/>).</param>
/// <param name="logger">Where the retry is logged.</param>
internal sealed class BearerTokenHandler(Func<bool, CancellationToken, Task<string>> getToken, ILogger logger) : DelegatingHandler
{
    /// <summary>What the request does ("find the caller's contact"), for the log line of a retry.</summary>
    public static readonly HttpRequestOptionsKey<string> Operation = new("TriggerPlugins.Dataverse.Operation");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await getToken(false, cancellationToken));
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        Log.RetryingWithNewToken(logger, request.Options.TryGetValue(Operation, out var operation) ? operation : request.Method.Method);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await getToken(true, cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
