using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace TriggerPlugins.Dynamics365.Http;

/// <summary>
/// Dataverse service protection, per user (one per account): the limits are counted per user, and once one is
/// exceeded every request of that user gets 429 until <c>Retry-After</c> has passed, the window growing if the client
/// keeps sending (https://learn.microsoft.com/power-apps/developer/data-platform/api-limits). So this handler, in
/// front of every Web API request of the user, lookups included:
/// <list type="bullet">
/// <item>paces requests to <see cref="RequestsPerWindow"/> per sliding <see cref="Window"/> (the documented 6,000 per
/// 5 minutes minus a 5% margin), waiting for a slot when it is near, refusing locally when it is not;</item>
/// <item>keeps fewer than the documented 52 requests in flight (<see cref="MaxConcurrency"/>);</item>
/// <item>on a 429, closes for every request of the user until <c>Retry-After</c> plus <see cref="ReopenMargin"/>:
/// requests are not sent, they get a local 429 carrying the remaining wait, so the delivery is retried after it;</item>
/// <item>then reopens gradually: one request in flight, doubling with every success up to the maximum.</item>
/// </list>
/// A local refusal is never sent to Dataverse and its error says so.
/// </summary>
internal sealed class ServiceProtectionHandler : DelegatingHandler
{
    /// <summary>The documented per-user limit is 6,000 requests per 5 minutes; 5% is kept as a margin.</summary>
    public const int RequestsPerWindow = 5_700;

    /// <summary>
    /// The documented limit is 52 concurrent requests per user; 16 keep well under it, and every request let through is
    /// sent at once (the connection pool has room for it), so none waits in a queue to be sent after a 429.
    /// </summary>
    public const int MaxConcurrency = 16;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>Added to Dataverse's <c>Retry-After</c> before the user's requests are sent again.</summary>
    public static readonly TimeSpan ReopenMargin = TimeSpan.FromSeconds(1);

    /// <summary>A pacing wait longer than this is not waited out in the request: it is answered as a local 429.</summary>
    public static readonly TimeSpan MaxPacingWait = TimeSpan.FromSeconds(5);

    /// <summary>The code of local refusals (Dataverse's "number of requests" limit code, with a message saying it is local).</summary>
    public const string LocalCode = "0x80072322";

    private readonly Lock _gate = new();
    // Completion times of the requests sent in the window: a request counts from when its answer came back, never
    // earlier than Dataverse counted it, so the window never frees a slot before Dataverse's does.
    private readonly Queue<long> _sent = new();
    private int _pacedInFlight;
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _requestsPerWindow;
    private readonly TimeSpan _window;
    private DateTimeOffset _closedUntil = DateTimeOffset.MinValue;
    private int _inFlight;
    private int _limit;

    public ServiceProtectionHandler(HttpMessageHandler inner, TimeProvider time, ILogger logger, int requestsPerWindow = RequestsPerWindow, TimeSpan? window = null)
        : base(inner)
    {
        _time = time;
        _logger = logger;
        _requestsPerWindow = requestsPerWindow;
        _window = window ?? Window;
        _limit = MaxConcurrency;
    }

    /// <summary>True while a 429's Retry-After (plus the margin) has not passed: the user's requests are held.</summary>
    public bool IsClosed => Closed() is not null;

    /// <summary>Requests answered locally (never sent) because the user was closed or out of budget.</summary>
    public int HeldRequests => Volatile.Read(ref _held);

    private int _held;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Closed() is { } wait)
        {
            return Held(request, wait, "Dataverse throttled this user (HTTP 429) and its Retry-After has not passed");
        }

        await EnterAsync(cancellationToken);
        var released = false;
        var admitted = false;
        try
        {
            // Closed while this request waited for a slot: it must not be sent into the open window either.
            if (Closed() is { } closedMeanwhile)
            {
                return Held(request, closedMeanwhile, "Dataverse throttled this user (HTTP 429) and its Retry-After has not passed");
            }

            if (await PaceAsync(cancellationToken) is { } paced)
            {
                return Held(request, paced, $"the user's budget of {_requestsPerWindow} requests per {_window.TotalSeconds:0} s is spent");
            }

            admitted = true;
            var response = await base.SendAsync(request, cancellationToken);
            Release(response.StatusCode == HttpStatusCode.TooManyRequests ? RetryAfter(response) : null, sent: true);
            released = true;
            return response;
        }
        finally
        {
            if (!released)
            {
                Release(throttledFor: null, success: false, sent: admitted);
            }
        }
    }

    private TimeSpan? Closed()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            return now < _closedUntil ? _closedUntil - now : null;
        }
    }

    private Task EnterAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_inFlight < _limit && _waiting.Count == 0)
            {
                _inFlight++;
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
            return WaitAsync(waiter, cancellationToken);
        }
    }

    // A cancelled waiter stays queued but can no longer be granted a slot (TrySetResult fails), so no slot leaks.
    private static async Task WaitAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            await waiter.Task;
        }
    }

    /// <summary>Takes a slot of the sliding window; returns the wait when it is too long to wait out here.</summary>
    private async Task<TimeSpan?> PaceAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _time.GetTimestamp();
                while (_sent.Count > 0 && _time.GetElapsedTime(_sent.Peek(), now) >= _window)
                {
                    _sent.Dequeue();
                }

                if (_sent.Count + _pacedInFlight < _requestsPerWindow)
                {
                    _pacedInFlight++;
                    return null;
                }

                // Everything counted is still in flight (a tiny budget): look again shortly.
                wait = _sent.Count > 0 ? _window - _time.GetElapsedTime(_sent.Peek(), now) : TimeSpan.FromMilliseconds(50);
            }

            if (wait > MaxPacingWait)
            {
                return wait;
            }

            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    private void Release(TimeSpan? throttledFor, bool success = true, bool sent = false)
    {
        DateTimeOffset? closedUntil = null;
        lock (_gate)
        {
            _inFlight--;
            if (sent)
            {
                _pacedInFlight--;
                _sent.Enqueue(_time.GetTimestamp());
            }

            if (throttledFor is { } wait)
            {
                var until = _time.GetUtcNow() + wait + ReopenMargin;
                if (until > _closedUntil)
                {
                    _closedUntil = until;
                    closedUntil = until;
                }

                // Reopen gradually: one request in flight, doubling with each success.
                _limit = 1;
            }
            else if (success && _limit < MaxConcurrency)
            {
                _limit = Math.Min(MaxConcurrency, _limit * 2);
            }

            while (_waiting.Count > 0 && _inFlight < _limit)
            {
                var next = _waiting.Dequeue();
                if (next.TrySetResult())
                {
                    _inFlight++;
                }
            }
        }

        if (closedUntil is { } reopensAt)
        {
            Log.GateClosed(_logger, reopensAt);
        }
    }

    private HttpResponseMessage Held(HttpRequestMessage request, TimeSpan wait, string why)
    {
        Interlocked.Increment(ref _held);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["error"] = new System.Text.Json.Nodes.JsonObject
            {
                ["code"] = LocalCode,
                ["message"] = $"Not sent by the plugin: {why}; the user's requests resume in {seconds} s.",
            },
        }.ToJsonString();
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            RequestMessage = request,
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        return response;
    }

    private TimeSpan RetryAfter(HttpResponseMessage response)
        => RetryAfterHeader.Parse(response.Headers.RetryAfter, _time) is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
}
