using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Settings;

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
/// <para>When the host offers request budgets shared by every host on its queue (<see cref="ISharedRateLimits"/>,
/// contract 1.2), the window is the shared one: permits are taken from it in small blocks (a few requests, usable for
/// at most a second, so the database is not asked per request), and a 429 closes the user there too, so every host
/// holds the user's requests back from its next block on. Without one (an older host) the window is this process's.
/// When the shared budgets cannot be reached, requests are not sent (they are answered as a local 429, retried later):
/// pacing alone would let several hosts together exceed the limit.</para>
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

    /// <summary>How long requests are held when the shared budgets cannot be reached (the host's database is down).</summary>
    public static readonly TimeSpan UnavailableWait = TimeSpan.FromSeconds(5);

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

    // The shared budget, when the host offers one: the block of permits taken last, and one take at a time per user.
    private readonly SharedBudget? _shared;
    private readonly SemaphoreSlim _taking = new(1, 1);
    private readonly int _blockSize;
    private int _blockLeft;
    private long _blockUsableUntil;

    public ServiceProtectionHandler(HttpMessageHandler inner, TimeProvider time, ILogger logger, int requestsPerWindow = RequestsPerWindow, TimeSpan? window = null, SharedBudget? shared = null)
        : base(inner)
    {
        _time = time;
        _logger = logger;
        _requestsPerWindow = requestsPerWindow;
        _window = window ?? Window;
        _limit = MaxConcurrency;
        _shared = shared;
        _blockSize = BlockSize(requestsPerWindow);
    }

    /// <summary>
    /// Permits asked of the shared budget at a time: a twentieth of the window's budget, at most the requests in flight
    /// (16 at the documented limits). Few enough that a block left unused (it is not given back) wastes little, many
    /// enough that the database is asked once per several requests.
    /// </summary>
    public static int BlockSize(int requestsPerWindow) => Math.Clamp(requestsPerWindow / 20, 1, MaxConcurrency);

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

            var refusal = _shared is { } shared ? await TakeSharedAsync(shared, cancellationToken) : await PaceAsync(cancellationToken);
            if (refusal is { } refused)
            {
                return Held(request, refused.Wait, refused.Why);
            }

            admitted = true;
            var response = await base.SendAsync(request, cancellationToken);
            var throttledFor = response.StatusCode == HttpStatusCode.TooManyRequests ? RetryAfter(response) : (TimeSpan?)null;
            Release(throttledFor, sent: true);
            released = true;
            if (throttledFor is { } throttled && _shared is { } sharedBudget)
            {
                await CloseSharedAsync(sharedBudget, throttled + ReopenMargin);
            }

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

    /// <summary>Takes a slot of this process's sliding window; returns the wait when it is too long to wait out here.</summary>
    private async Task<Refusal?> PaceAsync(CancellationToken cancellationToken)
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
                return BudgetSpent(wait);
            }

            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    /// <summary>
    /// Takes a permit of the budget shared by the hosts: from the block taken last while it lasts, else a new block
    /// (one take at a time: requests arriving meanwhile use its block). Returns why not when the wait is too long.
    /// </summary>
    private async Task<Refusal?> TakeSharedAsync(SharedBudget shared, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryUseBlock())
            {
                return null;
            }

            TimeSpan wait;
            await _taking.WaitAsync(cancellationToken);
            try
            {
                if (TryUseBlock())
                {
                    return null;
                }

                // The block is usable from before the question was asked, so never past the end the budget counts it from.
                var asked = _time.GetTimestamp();
                RatePermits permits;
                try
                {
                    permits = await shared.Limits.TakeAsync(shared.Key, _blockSize, _requestsPerWindow, _window, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.SharedBudgetUnavailable(_logger, e.Message);
                    return new Refusal(UnavailableWait, $"the request budget shared by the hosts could not be read ({e.Message})");
                }

                if (permits.ClosedFor is { } closedFor)
                {
                    CloseLocally(closedFor, byAnotherHost: true);
                    return new Refusal(closedFor, "Dataverse throttled this user (HTTP 429, seen by another host) and its Retry-After has not passed");
                }

                if (permits.Granted > 0)
                {
                    lock (_gate)
                    {
                        _blockLeft = permits.Granted - 1;
                        _blockUsableUntil = asked + (long)(permits.UseWithin.TotalSeconds * _time.TimestampFrequency);
                    }

                    return null;
                }

                wait = permits.RetryAfter > TimeSpan.Zero ? permits.RetryAfter : TimeSpan.FromMilliseconds(50);
            }
            finally
            {
                _taking.Release();
            }

            if (wait > MaxPacingWait)
            {
                return BudgetSpent(wait);
            }

            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    private bool TryUseBlock()
    {
        lock (_gate)
        {
            if (_blockLeft > 0 && _time.GetTimestamp() < _blockUsableUntil)
            {
                _blockLeft--;
                return true;
            }

            return false;
        }
    }

    // A 429 closes the user for every host: they stop at their next block (within about a second). Failing to say so
    // leaves this host closed and the others pacing; they never exceed the shared window anyway.
    private async Task CloseSharedAsync(SharedBudget shared, TimeSpan duration)
    {
        try
        {
            await shared.Limits.CloseAsync(shared.Key, duration, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.SharedCloseFailed(_logger, e.Message);
        }
    }

    /// <summary>Closes this user here until <paramref name="duration"/> has passed, then reopens gradually.</summary>
    private void CloseLocally(TimeSpan duration, bool byAnotherHost)
    {
        var until = _time.GetUtcNow() + duration;
        lock (_gate)
        {
            if (until <= _closedUntil)
            {
                return;
            }

            _closedUntil = until;
            _limit = 1;
            _blockLeft = 0;
        }

        if (byAnotherHost)
        {
            Log.ClosedByAnotherHost(_logger, until);
        }
        else
        {
            Log.GateClosed(_logger, until);
        }
    }

    private Refusal BudgetSpent(TimeSpan wait) => new(wait, $"the user's budget of {_requestsPerWindow} requests per {_window.TotalSeconds:0.###} s is spent");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _taking.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Release(TimeSpan? throttledFor, bool success = true, bool sent = false)
    {
        if (throttledFor is { } wait)
        {
            // Reopen gradually: one request in flight, doubling with each success.
            CloseLocally(wait + ReopenMargin, byAnotherHost: false);
        }

        lock (_gate)
        {
            _inFlight--;
            if (sent && _shared is null)
            {
                _pacedInFlight--;
                _sent.Enqueue(_time.GetTimestamp());
            }

            if (throttledFor is not null)
            {
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

    private readonly record struct Refusal(TimeSpan Wait, string Why);
}

/// <summary>The budget of one Dynamics user shared by the hosts: the host's budgets and the user's key in them.</summary>
/// <param name="Limits">The host's budgets (<see cref="PluginContext.SharedRateLimits"/>).</param>
/// <param name="Key">The user's key: see <see cref="For"/>.</param>
internal sealed record SharedBudget(ISharedRateLimits Limits, string Key)
{
    /// <summary>
    /// The budget of <paramref name="user"/>: Dataverse counts its limits per user of an environment, so the key is the
    /// environment (weburl's scheme, host and port) and the application (client) id, plus, when the account signs in as
    /// a user name, a hash of that name (hosts store keys: no name in clear, never a secret).
    /// </summary>
    public static SharedBudget? For(ISharedRateLimits? limits, AccountSettings user)
    {
        if (limits is null || user.WebUri is not { } web)
        {
            return null;
        }

        var key = $"dynamics365 {web.GetLeftPart(UriPartial.Authority).ToLowerInvariant()} {user.ClientId?.Trim().ToLowerInvariant()}";
        if (user.Mode == AuthMode.UsernamePassword && !string.IsNullOrEmpty(user.Username))
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(user.Username.Trim().ToLowerInvariant()));
            key += $" user:{Convert.ToHexStringLower(hash)[..16]}";
        }

        return new SharedBudget(limits, key);
    }
}
