namespace TriggerPlugins.Benchmarks.Load;

/// <summary>The workload of one load run.</summary>
internal sealed record LoadOptions
{
    /// <summary>
    /// Call events to send (each matches one trigger: one ticket). The default stays inside one user's service
    /// protection budget (the plugin sends at most 5,700 requests per sliding 5 minutes per Dynamics user); past it the
    /// plugin paces the user to about 19 requests/s, which is what a run of more tickets then measures.
    /// </summary>
    public int Tickets { get; init; } = 2000;

    /// <summary>Distinct caller numbers: the rest of the calls are repeat callers, as in a real contact center.</summary>
    public int DistinctCallers { get; init; } = 100;

    /// <summary>Distinct agents handling the calls (all seeded in the emulator's demo tenant).</summary>
    public int Agents { get; init; } = 30;

    /// <summary>Latency the emulator adds to every Web API request, standing in for the network and Dataverse.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Call events in flight at once (the host's per-account limits apply below this).</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>
    /// Events per call: 1 (call-end only) or 3 (call-start, agent-connect, call-end in the "support-en" queue, which
    /// the sample triggers follow through all three: one ticket updated twice, then its phone call).
    /// </summary>
    public int EventsPerCall { get; init; } = 1;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--tickets" => options with { Tickets = value },
                "--callers" => options with { DistinctCallers = value },
                "--agents" => options with { Agents = value },
                "--latency-ms" => options with { Latency = TimeSpan.FromMilliseconds(value) },
                "--concurrency" => options with { Concurrency = value },
                "--events-per-call" when value is 1 or 3 => options with { EventsPerCall = value },
                "--events-per-call" => throw new ArgumentException("--events-per-call must be 1 or 3"),
                _ => throw new ArgumentException($"unknown option {args[i]}; known: --tickets --callers --agents --latency-ms --concurrency --events-per-call"),
            };
        }

        return options;
    }
}
