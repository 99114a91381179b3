using System.Diagnostics;
using System.Net;
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
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365.Dataverse;

/// <summary>
/// Sends requests to one environment's Web API v9.2 with the account's token: OData headers, a
/// per-request timeout, one retry with a fresh token on 401, and transport failures turned into outcomes.
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
    private readonly AccessTokens _tokens;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;

    public DataverseClient(AccountSettings account, HttpClient http, AccessTokens tokens, ILogger logger)
    {
        _account = account;
        _http = http;
        _tokens = tokens;
        _logger = logger;
        _timeout = TimeSpan.FromSeconds(account.RequestTimeoutSeconds ?? AccountSettings.DefaultRequestTimeoutSeconds);
        WebUrl = new Uri(account.WebUri!.GetLeftPart(UriPartial.Authority) + "/");
    }

    /// <summary>The environment root, e.g. <c>https://contoso.crm4.dynamics.com/</c>.</summary>
    public Uri WebUrl { get; }

    /// <summary>Sends the request and returns whatever HTTP answer came back.</summary>
    /// <exception cref="ActionFailure">No answer: Azure AD refused, the request timed out, or the connection failed.</exception>
    public async Task<DataverseReply> SendAsync(DataverseRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reply = await SendOnceAsync(request, forceNewToken: attempt > 1, cancellationToken);
            // A token can be revoked or expire early: one retry with a fresh one, then the 401 is the answer.
            if (reply.Status == HttpStatusCode.Unauthorized && attempt == 1)
            {
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    _logger.LogInformation("Dataverse rejected the cached token while trying to {Operation}; retrying once with a new token", request.Operation);
                }

                continue;
            }

            return reply;
        }
    }

    /// <summary>Sends the request and returns the answer when it succeeded.</summary>
    /// <exception cref="ActionFailure">Any failure, mapped to an outcome.</exception>
    public async Task<JsonNode?> SendForSuccessAsync(DataverseRequest request, CancellationToken cancellationToken)
    {
        var reply = await SendAsync(request, cancellationToken);
        return reply.IsSuccess ? reply.Body : throw new ActionFailure(DataverseErrors.ToOutcome(reply, WebUrl));
    }

    private async Task<DataverseReply> SendOnceAsync(DataverseRequest request, bool forceNewToken, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var path = "/" + ApiPath + request.RelativeUrl.Split('?', 2)[0];
        try
        {
            var token = await _tokens.GetTokenAsync(forceNewToken, timeout.Token);
            using var message = new HttpRequestMessage(request.Method, new Uri(WebUrl, ApiPath + request.RelativeUrl));
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            message.Headers.Add("OData-Version", "4.0");
            message.Headers.Add("OData-MaxVersion", "4.0");
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
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
            if (request.ChangeSet is not null && response.Content.Headers.ContentType?.MediaType == "multipart/mixed")
            {
                return ChangeSet.ParseReply(response.StatusCode, text, RetryAfter(response), request.Operation, path);
            }

            var body = ParseJson(text);
            DataverseMetrics.Request(WebUrl, _account.ClientId ?? _account.Username, response.StatusCode);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                _logger.LogDebug("Dataverse {Method} {Path}{Query} answered {Status} in {ElapsedMs} ms", request.Method, path, message.RequestUri!.Query, (int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return new DataverseReply(response.StatusCode, body, RetryAfter(response), DataverseError.From(body), request.Operation, path);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ActionFailure(ActionOutcome.Transient(
                $"Dataverse at {WebUrl} did not answer within {_timeout.TotalSeconds:0} s while trying to {request.Operation}; the delivery will be retried."));
        }
        catch (MsalException ex)
        {
            throw new ActionFailure(AuthFailures.ToOutcome(ex, _account));
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException tls)
        {
            throw new ActionFailure(ActionOutcome.Permanent(
                $"The TLS certificate of {WebUrl.Host} is not trusted: {tls.Message}",
                "tls.untrusted"));
        }
        catch (HttpRequestException ex)
        {
            throw new ActionFailure(ActionOutcome.Transient(
                $"Could not reach Dataverse at {WebUrl} while trying to {request.Operation} ({ex.HttpRequestError}: {ex.Message}); the delivery will be retried."));
        }
        catch (IOException ex)
        {
            throw new ActionFailure(ActionOutcome.Transient(
                $"The connection to Dataverse at {WebUrl} broke while trying to {request.Operation} ({ex.Message}); the delivery will be retried."));
        }
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

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
