namespace TriggerPlugins.DataverseEmulator;

/// <summary>
/// Faults injected into the Web API (<c>/api/data/**</c>); <see cref="TokenEndpointDown"/> acts on the token endpoint.
/// Every property can be changed while the emulator runs, from any thread.
/// </summary>
public sealed class EmulatorFaults
{
    // One lock for all settings: a request reads a consistent set through Snapshot().
    private readonly Lock _gate = new();
    private TimeSpan _latency;
    private double _tooManyRequestsRate;
    private TimeSpan _retryAfter = TimeSpan.FromSeconds(2);
    private double _serverErrorRate;
    private double _dropConnectionRate;
    private int? _serviceProtectionLimit;
    private TimeSpan _serviceProtectionWindow = TimeSpan.FromMinutes(5);
    private int? _serviceProtectionConcurrency;
    private double _serviceProtectionTimeScale = 1;
    private bool _tokenEndpointDown;

    /// <summary>Delay added before each Web API request is answered.</summary>
    public TimeSpan Latency { get => Read(() => _latency); set => Write(() => _latency = NotNegative(value, nameof(Latency))); }

    /// <summary>Fraction (0..1) of Web API requests answered 429 with <c>Retry-After</c>.</summary>
    public double TooManyRequestsRate { get => Read(() => _tooManyRequestsRate); set => Write(() => _tooManyRequestsRate = Fraction(value, nameof(TooManyRequestsRate))); }

    /// <summary>The <c>Retry-After</c> sent with random 429 answers (whole seconds, at least 1).</summary>
    public TimeSpan RetryAfter { get => Read(() => _retryAfter); set => Write(() => _retryAfter = NotNegative(value, nameof(RetryAfter))); }

    /// <summary>Fraction (0..1) of Web API requests answered 503.</summary>
    public double ServerErrorRate { get => Read(() => _serverErrorRate); set => Write(() => _serverErrorRate = Fraction(value, nameof(ServerErrorRate))); }

    /// <summary>Fraction (0..1) of Web API requests whose connection is aborted without any response.</summary>
    public double DropConnectionRate { get => Read(() => _dropConnectionRate); set => Write(() => _dropConnectionRate = Fraction(value, nameof(DropConnectionRate))); }

    /// <summary>Requests allowed per caller in <see cref="ServiceProtectionWindow"/>; null means no limit.</summary>
    public int? ServiceProtectionLimit
    {
        get => Read(() => _serviceProtectionLimit);
        set => Write(() => _serviceProtectionLimit = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(ServiceProtectionLimit), value, "The service protection limit must be positive or null."));
    }

    /// <summary>The sliding window of the service protection limit (Dataverse uses 5 minutes).</summary>
    public TimeSpan ServiceProtectionWindow
    {
        get => Read(() => _serviceProtectionWindow);
        set => Write(() => _serviceProtectionWindow = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(ServiceProtectionWindow), value, "The service protection window must be positive."));
    }

    /// <summary>Concurrent requests allowed per caller (Dataverse: 52); null means no limit.</summary>
    public int? ServiceProtectionConcurrency
    {
        get => Read(() => _serviceProtectionConcurrency);
        set => Write(() => _serviceProtectionConcurrency = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(ServiceProtectionConcurrency), value, "The concurrency limit must be positive or null."));
    }

    /// <summary>
    /// Runs the service protection window faster: both <see cref="ServiceProtectionWindow"/> and
    /// <see cref="ServiceProtectionLimit"/> are divided by it, so the allowed rate stays the documented one while a
    /// 5-minute window passes in seconds (60 makes it 5 s and 100 requests). Default 1.
    /// </summary>
    public double ServiceProtectionTimeScale
    {
        get => Read(() => _serviceProtectionTimeScale);
        set => Write(() => _serviceProtectionTimeScale = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(ServiceProtectionTimeScale), value, "The time scale must be at least 1."));
    }

    /// <summary>
    /// The documented per-user limits of "Service protection API limits"
    /// (https://learn.microsoft.com/power-apps/developer/data-platform/api-limits): 6,000 requests per 5 minutes and
    /// 52 concurrent requests, optionally time-scaled. The execution-time limit (20 minutes per 5 minutes) is not modelled.
    /// </summary>
    public void UseDocumentedServiceProtection(double timeScale = 1)
    {
        ServiceProtectionTimeScale = timeScale;
        ServiceProtectionLimit = 6_000;
        ServiceProtectionWindow = TimeSpan.FromMinutes(5);
        ServiceProtectionConcurrency = 52;
    }

    /// <summary>When true the token endpoint answers 503 (Azure AD unavailable).</summary>
    public bool TokenEndpointDown { get => Read(() => _tokenEndpointDown); set => Write(() => _tokenEndpointDown = value); }

    internal FaultSettings Snapshot()
    {
        lock (_gate)
        {
            return new FaultSettings(_latency, _tooManyRequestsRate, _retryAfter, _serverErrorRate, _dropConnectionRate,
                _serviceProtectionLimit, _serviceProtectionWindow, _tokenEndpointDown, _serviceProtectionConcurrency, _serviceProtectionTimeScale);
        }
    }

    internal void CopyFrom(EmulatorFaults other)
    {
        var s = other.Snapshot();
        lock (_gate)
        {
            (_latency, _tooManyRequestsRate, _retryAfter, _serverErrorRate, _dropConnectionRate) =
                (s.Latency, s.TooManyRequestsRate, s.RetryAfter, s.ServerErrorRate, s.DropConnectionRate);
            (_serviceProtectionLimit, _serviceProtectionWindow, _tokenEndpointDown) =
                (s.ServiceProtectionLimit, s.ServiceProtectionWindow, s.TokenEndpointDown);
            (_serviceProtectionConcurrency, _serviceProtectionTimeScale) = (s.ServiceProtectionConcurrency, s.ServiceProtectionTimeScale);
        }
    }

    internal void Validate()
    {
        var s = Snapshot();
        if (s.TooManyRequestsRate + s.ServerErrorRate + s.DropConnectionRate > 1)
        {
            throw new ArgumentException("EmulatorFaults: TooManyRequestsRate + ServerErrorRate + DropConnectionRate must not exceed 1.");
        }
    }

    private T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private void Write(Action write)
    {
        lock (_gate)
        {
            write();
        }
    }

    private static double Fraction(double value, string name) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be between 0 and 1.");

    private static TimeSpan NotNegative(TimeSpan value, string name) =>
        value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative.");
}

/// <summary>The fault settings in force for one request.</summary>
internal sealed record FaultSettings(
    TimeSpan Latency,
    double TooManyRequestsRate,
    TimeSpan RetryAfter,
    double ServerErrorRate,
    double DropConnectionRate,
    int? ServiceProtectionLimit,
    TimeSpan ServiceProtectionWindow,
    bool TokenEndpointDown,
    int? ServiceProtectionConcurrency,
    double ServiceProtectionTimeScale);
