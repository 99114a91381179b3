namespace TriggerPlugins.Server;

/// <summary>What /readyz reports beyond the live checks: a refused config reload, and a stop in progress. Thread-safe.</summary>
public sealed class ServerState
{
    private volatile IReadOnlyList<string> _configProblems = [];
    private volatile bool _stopping;

    /// <summary>The problems of the last config change, when it was refused (the previous config is still in force).</summary>
    public IReadOnlyList<string> ConfigProblems => _configProblems;

    /// <summary>True once a stop has begun: the intake answers 503.</summary>
    public bool Stopping => _stopping;

    /// <summary>Records a refused reload.</summary>
    public void ConfigRefused(IReadOnlyList<string> problems) => _configProblems = problems;

    /// <summary>Records a reload put in force.</summary>
    public void ConfigAccepted() => _configProblems = [];

    /// <summary>Marks the stop.</summary>
    public void BeginStop() => _stopping = true;
}
