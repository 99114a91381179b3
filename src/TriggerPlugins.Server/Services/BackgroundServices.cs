using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Host.Intake;
using TriggerPlugins.Host.Plugins;

namespace TriggerPlugins.Server.Services;

/// <summary>Runs the delivery workers for the host's lifetime; on stop they drain within the grace period and release their leases.</summary>
internal sealed class WorkerService(DeliveryWorkers workers, EventIntake intake, TriggersMetrics metrics) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        intake.Committed += workers.Wake;
        workers.Attempted += metrics.Attempted;
        return workers.RunAsync(stoppingToken);
    }
}

/// <summary>Refreshes the queue metrics (depth per status, oldest pending) every few seconds.</summary>
internal sealed class QueueSampler(IDeliveryStore store, TriggersMetrics metrics, TimeProvider timeProvider, ILogger<QueueSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        do
        {
            try
            {
                metrics.Queue(await store.GetStatsAsync(stoppingToken));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.SampleFailed(logger, exception.GetType().Name, exception.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>
/// Watches the config folder. After a change (and <see cref="ServerOptions.ReloadDelay"/> of quiet) it loads and
/// validates the whole folder: a valid config replaces the running one atomically; an invalid one is logged with every
/// problem, the previous one stays in force, and /readyz says so until a valid change.
/// </summary>
internal sealed class ConfigWatcher(ServerOptions options, PluginCatalog plugins, RunningConfiguration running, ServerState state, ILogger<ConfigWatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _changed = new(0);

    /// <summary>Loads the folder now and puts it in force when valid; returns the problems (empty: reloaded).</summary>
    public IReadOnlyList<string> Reload()
    {
        var loaded = ConfigurationLoader.Load(options.ConfigDirectory, plugins);
        if (loaded.HasErrors)
        {
            var problems = loaded.Problems.Where(p => p.Severity == Abstractions.ValidationSeverity.Error).Select(p => p.ToString()).ToList();
            foreach (var problem in problems)
            {
                Log.ReloadProblem(logger, problem);
            }

            Log.ReloadRefused(logger, problems.Count);
            state.ConfigRefused(problems);
            return problems;
        }

        running.Replace(loaded);
        state.ConfigAccepted();
        Log.Reloaded(logger, loaded.Triggers.Count, loaded.Accounts.Count);
        return [];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var watcher = new FileSystemWatcher(options.ConfigDirectory) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size };
        FileSystemEventHandler onChange = (_, _) => _changed.Release();
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Deleted += onChange;
        watcher.Renamed += (_, _) => _changed.Release();
        watcher.EnableRaisingEvents = true;
        try
        {
            while (true)
            {
                await _changed.WaitAsync(stoppingToken);

                // Quiet period: an editor or a deploy writes several files; reload once they are all there.
                while (await _changed.WaitAsync(options.ReloadDelay, stoppingToken))
                {
                }

                Reload();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }
}
