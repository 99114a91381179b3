using TriggerPlugins.Host.Delivery;

namespace TriggerPlugins.Server;

/// <summary>What `triggers serve` runs with. Checked by <see cref="Validate"/> before anything starts.</summary>
public sealed class ServerOptions
{
    /// <summary>The environment variable holding one API key for simple set-ups.</summary>
    public const string ApiKeyVariable = "TRIGGERS_API_KEY";

    /// <summary>The config folder (accounts/, configurations/, triggers/); watched and reloaded on change.</summary>
    public required string ConfigDirectory { get; init; }

    /// <summary>
    /// The delivery store (<c>TRIGGERS_STORE</c>): null or <c>sqlite</c> for the SQLite file in the data folder,
    /// <c>postgres:&lt;connection string&gt;</c> for a PostgreSQL queue several hosts share.
    /// </summary>
    public string? Store { get; init; }

    /// <summary>The data folder: the delivery store, the folder lock and the managed API keys.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The plugins folder (one sub-folder per plugin).</summary>
    public required string PluginsDirectory { get; init; }

    /// <summary>Where Kestrel listens. Default http://127.0.0.1:5080 (loopback only; put a TLS proxy in front for a network).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>The key from <see cref="ApiKeyVariable"/>, if set.</summary>
    public string? EnvironmentApiKey { get; init; }

    /// <summary>Accept requests without a key, from loopback addresses only. Off by default.</summary>
    public bool AllowAnonymousLoopback { get; init; }

    /// <summary>The largest request body, in bytes (413 beyond). Default 4 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The longest NDJSON line (one event), in characters (that line is refused with 400). Default 64 KiB.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>The most events in one request (413 beyond). Default 1000.</summary>
    public int MaxEventsPerRequest { get; init; } = 1000;

    /// <summary>How long to wait after the last change in the config folder before reloading it. Default 500 ms.</summary>
    public TimeSpan ReloadDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Retry, timeout and per-account limits of deliveries.</summary>
    public DeliveryOptions Delivery { get; init; } = new();

    /// <summary>How the workers take deliveries, and the grace period on stop.</summary>
    public WorkerOptions Workers { get; init; } = new();

    /// <summary>Every problem with the options, one line each.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var delivery = new DeliveryOptionsValidator().Validate(null, Delivery);
        if (delivery.Failed)
        {
            problems.AddRange(delivery.Failures);
        }

        problems.AddRange(Workers.Validate(Delivery));
        if (MaxBodyBytes < 1024 || MaxLineLength < 256 || MaxEventsPerRequest < 1)
        {
            problems.Add("the request limits must be at least 1 KiB of body, 256 characters a line and 1 event a request.");
        }

        return problems;
    }
}
