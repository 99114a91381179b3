using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Plugins;

/// <summary>
/// The plugins found in a plugins directory: one sub-folder per plugin, each with a <c>plugin.json</c>
/// manifest and the plugin's assemblies. Each plugin is loaded into its own load context, sharing only
/// the contract assembly and Microsoft.Extensions.Logging.Abstractions with the host.
/// </summary>
/// <remarks>
/// A folder that cannot be loaded is refused, recorded in <see cref="Failures"/> and logged as a warning;
/// the other folders still load. Disposing the catalog disposes the plugins' actions.
/// </remarks>
public sealed class PluginCatalog : IActionRegistry, IAsyncDisposable
{
    private readonly Dictionary<string, LoadedPlugin> _byId;
    private readonly ILogger _logger;
    private int _disposed;

    private PluginCatalog(List<LoadedPlugin> plugins, List<PluginLoadFailure> failures, ILogger logger)
    {
        Plugins = plugins;
        Failures = failures;
        _logger = logger;
        _byId = plugins.ToDictionary(p => p.Id, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The plugins loaded, in folder name order.</summary>
    public IReadOnlyList<LoadedPlugin> Plugins { get; }

    /// <summary>The folders refused, in folder name order, each with the reason.</summary>
    public IReadOnlyList<PluginLoadFailure> Failures { get; }

    /// <summary>Loads every plugin folder under <paramref name="pluginsDirectory"/>.</summary>
    /// <param name="pluginsDirectory">The folder holding one sub-folder per plugin (usually <c>plugins/</c> next to the host).</param>
    /// <param name="loggerFactory">Logs the catalog's work; passed on to each plugin in its <see cref="PluginContext"/>.</param>
    /// <param name="timeProvider">The clock given to plugins and used for <see cref="LoadedPlugin.LoadedAt"/>; the system clock by default.</param>
    /// <returns>The catalog: the plugins loaded and the folders refused. Loading never throws for a bad plugin.</returns>
    /// <param name="sharedRateLimits">The request budgets given to plugins (<see cref="PluginContext.SharedRateLimits"/>): the delivery store's, shared with the other hosts on its queue; null: none offered.</param>
    /// <remarks>Synchronous on purpose: assembly loading has no asynchronous API, and it runs once at start-up.</remarks>
    public static PluginCatalog Load(string pluginsDirectory, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null, ISharedRateLimits? sharedRateLimits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginsDirectory);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        timeProvider ??= TimeProvider.System;
        var logger = loggerFactory.CreateLogger<PluginCatalog>();
        var root = Path.GetFullPath(pluginsDirectory);
        var plugins = new List<LoadedPlugin>();
        var failures = new List<PluginLoadFailure>();

        void Refuse(string folder, string reason, Exception? exception = null)
        {
            failures.Add(new PluginLoadFailure(folder, reason));
            Log.PluginRefused(logger, folder, reason);
            if (exception?.InnerException is { } cause)
            {
                Log.PluginRefusalDetails(logger, cause, folder);
            }
        }

        if (!Directory.Exists(root))
        {
            Refuse(root, "the plugins folder does not exist, so no plugin is loaded");
            return new PluginCatalog(plugins, failures, logger);
        }

        var manifests = new List<(string Folder, PluginManifest Manifest)>();
        foreach (var folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            if (ReadManifest(folder, out var reason) is { } manifest)
            {
                manifests.Add((folder, manifest));
            }
            else
            {
                Refuse(folder, reason!);
            }
        }

        // Two folders claiming one id: neither is loaded, since the host cannot know which one the admin meant.
        var duplicated = manifests
            .GroupBy(m => m.Manifest.Id, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .SelectMany(g => g.Select(m => (m.Folder, Others: g.Where(o => o.Folder != m.Folder).Select(o => PluginLoadFailure.DisplayPath(o.Folder)))))
            .ToDictionary(d => d.Folder, d => d.Others.ToList());

        foreach (var (folder, manifest) in manifests)
        {
            if (duplicated.TryGetValue(folder, out var others))
            {
                Refuse(folder, $"the id '{manifest.Id}' is also declared by {string.Join(", ", others)}; ids must be unique, so none of these folders is loaded");
                continue;
            }

            try
            {
                var plugin = PluginActivator.Load(folder, manifest, new PluginContext(folder, loggerFactory, timeProvider) { SharedRateLimits = sharedRateLimits });
                plugins.Add(plugin);
                Log.PluginLoaded(logger, manifest.Id, manifest.Version, folder);
            }
            catch (PluginRefusedException ex)
            {
                Refuse(folder, ex.Message, ex);
            }
        }

        return new PluginCatalog(plugins, failures, logger);
    }

    /// <inheritdoc />
    public bool TryGetAction(string pluginId, [NotNullWhen(true)] out IIntegrationAction? action)
    {
        ArgumentNullException.ThrowIfNull(pluginId);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        action = _byId.TryGetValue(pluginId, out var plugin) ? plugin.Action : null;
        return action is not null;
    }

    /// <summary>Disposes every plugin action that is disposable; a plugin that throws is logged and the others still disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var plugin in Plugins)
        {
            try
            {
                switch (plugin.Action)
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync();
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            catch (Exception ex)
            {
                Log.PluginDisposeFailed(_logger, ex, plugin.Id);
            }
            finally
            {
                plugin.Loader.Dispose();
            }
        }
    }

    private static PluginManifest? ReadManifest(string folder, out string? reason)
    {
        reason = null;
        var path = Path.Combine(folder, PluginManifest.FileName);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            reason = $"{PluginManifest.FileName} is missing: every plugin folder needs one (see docs/writing-a-plugin.md)";
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            reason = $"{PluginManifest.FileName} cannot be read: {ex.Message}";
            return null;
        }

        if (!PluginManifestReader.TryParse(json, PluginManifest.FileName, out var manifest, out var problems))
        {
            reason = string.Join("; ", problems);
            return null;
        }

        if (PluginActivator.Incompatibility(manifest.ContractVersion) is { } incompatibility)
        {
            reason = $"{PluginManifest.FileName}: contractVersion: {incompatibility}";
            return null;
        }

        return manifest;
    }
}
