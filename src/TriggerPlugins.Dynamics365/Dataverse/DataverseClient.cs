using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Identity.Client;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Auth;
using TriggerPlugins.Dynamics365.Http;
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365.Dataverse;

/// <summary>
/// Sends requests to one environment's Web API v9.2 and turns transport failures into outcomes, with a per-request
/// timeout. The <see cref="HttpClient"/> it is given carries the rest, as handlers (built by <see cref="Pipeline"/>):
/// the token and its single retry on 401 (<see cref="BearerTokenHandler"/>), the OData headers
/// (<see cref="ODataHeadersHandler"/>), then the user's service protection.
/// </summary>
internal sealed class DataverseClient
{
    public const string ApiPath = "api/data/v9.2/";

    /// <summary>
    /// The body goes to the Web API, never into HTML, so only JSON's own escaping is needed
    /// (quotes, backslashes, control characters): names stay readable in previews and logs.
    /// </summary>
    public static readonly JsonSerializerOptions BodyOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly AccountSettings _account;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;

    /// <param name="http">A client over <see cref="Pipeline"/>.</param>
    public DataverseClient(AccountSettings account, HttpClient http, TimeProvider time, ILogger logger)
    {
        _account = account;
        _http = http;
        _time = time;
        _logger = logger;
        _timeout = TimeSpan.FromSeconds(account.RequestTimeoutSeconds);
        WebUrl = new Uri(account.WebUri!.GetLeftPart(UriPartial.Authority) + "/");
    }

    /// <summary>The handlers every Web API request goes through, outermost first: token (and one retry on 401), OData headers, then <paramref name="inner"/>.</summary>
    public static DelegatingHandler Pipeline(AccessTokens tokens, HttpMessageHandler inner, ILogger logger)
        => new BearerTokenHandler(tokens.GetTokenAsync, logger) { InnerHandler = new ODataHeadersHandler { InnerHandler = inner } };

    /// <summary>The environment root, e.g. <c>https://contoso.crm4.dynamics.com/</c>.</summary>
    public Uri WebUrl { get; }

    /// <summary>Sends the request and returns whatever HTTP answer came back.</summary>
    /// <exception cref="ActionFailure">No answer: Azure AD refused, the request timed out, or the connection failed.</exception>
    public async Task<DataverseReply> SendAsync(DataverseRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var path = "/" + ApiPath + request.RelativeUrl.Split('?', 2)[0];
        try
        {
            using var message = new HttpRequestMessage(request.Method, new Uri(WebUrl, ApiPath + request.RelativeUrl));
            message.Options.Set(BearerTokenHandler.Operation, request.Operation);
            if (request.ReturnRepresentation)
            {
                message.Headers.Add("Prefer", "return=representation");
            }

            if (request.UpdateOnly)
            {
                message.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
            }

            if (request.ChangeSet is { } operations)
            {
                message.Content = ChangeSet.ToContent(operations, WebUrl);
            }
            else if (request.Body is not null)
            {
                message.Content = new StringContent(request.Body.ToJsonString(BodyOptions), Encoding.UTF8, "application/json");
            }

            var started = Stopwatch.GetTimestamp();
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var retryAfter = RetryAfterHeader.Parse(response.Headers.RetryAfter, _time);
            if (request.ChangeSet is not null && response.Content.Headers.ContentType?.MediaType == "multipart/mixed")
            {
                return ChangeSet.ParseReply(response.StatusCode, text, retryAfter, request.Operation, path);
            }

            var body = ParseJson(text);
            DataverseMetrics.Request(WebUrl, _account.ClientId ?? _account.Username, response.StatusCode);
            // Guarded (CA1873): the query text and the elapsed time are worked out only when the line is written.
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Log.DataverseAnswered(_logger, request.Method, path, message.RequestUri!.Query, (int)response.StatusCode, elapsedMs);
            }

            return new DataverseReply(response.StatusCode, body, retryAfter, DataverseError.From(body), request.Operation, path);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ActionFailure(ActionOutcome.Transient(
                $"Dataverse at {WebUrl} did not answer within {_timeout.TotalSeconds:0} s while trying to {request.Operation}."));
        }
        catch (MsalException ex)
        {
            throw new ActionFailure(AuthFailures.ToOutcome(ex, _account, _time));
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
        {
            throw new ActionFailure(AuthFailures.Untrusted(WebUrl.ToString(), _account));
        }
        catch (HttpRequestException ex)
        {
            throw new ActionFailure(ActionOutcome.Transient(
                $"Could not reach Dataverse at {WebUrl} while trying to {request.Operation} ({ex.HttpRequestError}: {ex.Message})."));
        }
        catch (IOException ex)
        {
            throw new ActionFailure(ActionOutcome.Transient(
                $"The connection to Dataverse at {WebUrl} broke while trying to {request.Operation} ({ex.Message})."));
        }
    }

    /// <summary>Sends the request and returns the answer when it succeeded.</summary>
    /// <exception cref="ActionFailure">Any failure, mapped to an outcome.</exception>
    public async Task<JsonNode?> SendForSuccessAsync(DataverseRequest request, CancellationToken cancellationToken)
    {
        var reply = await SendAsync(request, cancellationToken);
        return reply.IsSuccess ? reply.Body : throw new ActionFailure(DataverseErrors.ToOutcome(reply, WebUrl));
    }

    private static JsonNode? ParseJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // An HTML error page (a wrong weburl, a proxy) is not an OData answer: callers see no body.
            return null;
        }
    }
}
