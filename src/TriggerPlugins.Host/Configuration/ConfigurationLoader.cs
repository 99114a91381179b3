using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Json;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Configuration;

/// <summary>
/// Loads a config folder: <c>accounts/&lt;name&gt;.json</c>, <c>configurations/&lt;name&gt;.json</c> and
/// <c>triggers/&lt;name&gt;.json</c> (see <c>samples/config/README.md</c>). Every problem is collected, not just the
/// first; then each (account, configuration) pair that an action uses is validated by its plugin.
/// </summary>
public static class ConfigurationLoader
{
    /// <summary>The folder of account files.</summary>
    public const string AccountsFolder = "accounts";

    /// <summary>The folder of configuration files.</summary>
    public const string ConfigurationsFolder = "configurations";

    /// <summary>The folder of trigger files.</summary>
    public const string TriggersFolder = "triggers";

    /// <summary>Loads and validates the config folder <paramref name="directory"/>.</summary>
    /// <param name="directory">The config folder.</param>
    /// <param name="registry">The loaded plugins: actions must name one of them, and they validate their settings.</param>
    /// <param name="environment">Reads environment variables for <c>"env:NAME"</c> values; the process environment by default.</param>
    public static TriggerConfiguration Load(string directory, IActionRegistry registry, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(registry);
        environment ??= Environment.GetEnvironmentVariable;
        var problems = new ProblemCollector();
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            problems.Error(directory, string.Empty, "config folder not found");
            return new TriggerConfiguration(root, [], new Dictionary<string, SettingsFile>(), new Dictionary<string, SettingsFile>(), problems.Problems);
        }

        string[] folders = [AccountsFolder, ConfigurationsFolder, TriggersFolder];
        if (!folders.Any(f => Directory.Exists(Path.Combine(root, f))))
        {
            problems.Error(directory, string.Empty, "not a config folder: it has none of accounts/, configurations/, triggers/ (see samples/config/README.md); point --config at the folder that holds them, e.g. samples/config");
            return new TriggerConfiguration(root, [], new Dictionary<string, SettingsFile>(), new Dictionary<string, SettingsFile>(), problems.Problems);
        }

        var context = new LoadContext(root, registry, problems);
        var accounts = LoadSettingsFiles(context, AccountsFolder, environment);
        var configurations = LoadSettingsFiles(context, ConfigurationsFolder, null);
        var triggers = new List<TriggerDefinition>();
        foreach (var (name, path, source) in JsonFilesIn(context, TriggersFolder))
        {
            if (JsonFiles.ReadObject(path, source, problems) is not { } json)
            {
                continue;
            }

            // References are checked even in a trigger with other errors, so one run reports them all.
            var (trigger, valid) = TriggerParser.Parse(name, json, source, problems);
            if (ReferencesAreValid(context, trigger, accounts, configurations) && valid)
            {
                triggers.Add(trigger);
            }
        }

        // A warning, not an error: an admin who deletes the last trigger (in the console, or by hand) stops every action
        // on purpose, and the service must accept that folder. A folder that is not a config folder is refused above.
        if (Directory.Exists(Path.Combine(root, TriggersFolder)) && !Directory.EnumerateFiles(Path.Combine(root, TriggersFolder), "*.json").Any())
        {
            problems.Warning(TriggersFolder + "/", string.Empty, "no trigger files: no call runs an action until you add triggers/<name>.json (see samples/config/README.md)");
        }

        ValidateWithPlugins(context, triggers, accounts, configurations);
        return new TriggerConfiguration(root, triggers, accounts.Loaded, configurations.Loaded, problems.Problems);
    }

    private static SettingsFiles LoadSettingsFiles(LoadContext context, string folder, Func<string, string?>? environment)
    {
        var files = new SettingsFiles(folder);
        foreach (var (name, path, source) in JsonFilesIn(context, folder))
        {
            files.Present.Add(name);
            if (JsonFiles.ReadObject(path, source, context.Problems) is not { } json)
            {
                continue;
            }

            var errorsBefore = context.Problems.ErrorCount;
            var plugin = JsonFields.RequiredString(json, "plugin", string.Empty, source, context.Problems);
            if (plugin is not null && !context.Registry.TryGetAction(plugin, out _))
            {
                context.Problems.Error(source, "plugin", $"no loaded plugin has the id '{plugin}'");
            }

            var settings = environment is null ? json : EnvironmentReferences.Resolve(json, environment, source, context.Problems);
            if (plugin is not null && context.Problems.ErrorCount == errorsBefore)
            {
                files.Loaded[name] = new SettingsFile(name, plugin, settings, source);
            }
        }

        return files;
    }

    private static IEnumerable<(string Name, string Path, string Source)> JsonFilesIn(LoadContext context, string folder)
    {
        var path = Path.Combine(context.Root, folder);
        if (!Directory.Exists(path))
        {
            context.Problems.Error(folder + "/", string.Empty, $"folder not found: a config folder holds accounts/, configurations/ and triggers/ (see samples/config/README.md); create {folder}/ or point --config at the right folder");
            return [];
        }

        return Directory.EnumerateFiles(path, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(file => (Path.GetFileNameWithoutExtension(file), file, $"{folder}/{Path.GetFileName(file)}"));
    }

    private static bool ReferencesAreValid(LoadContext context, TriggerDefinition trigger, SettingsFiles accounts, SettingsFiles configurations)
    {
        var errorsBefore = context.Problems.ErrorCount;
        for (var i = 0; i < trigger.Actions.Count; i++)
        {
            var action = trigger.Actions[i];
            var path = JsonPath.Item("actions", i);
            if (!context.Registry.TryGetAction(action.Plugin, out _))
            {
                context.Problems.Error(trigger.Source, JsonPath.Property(path, "plugin"), $"no loaded plugin has the id '{action.Plugin}'");
            }

            CheckReference(context, trigger.Source, JsonPath.Property(path, "account"), action.Account, action.Plugin, accounts);
            CheckReference(context, trigger.Source, JsonPath.Property(path, "configuration"), action.Configuration, action.Plugin, configurations);
        }

        return context.Problems.ErrorCount == errorsBefore;
    }

    private static void CheckReference(LoadContext context, string source, string field, string name, string plugin, SettingsFiles files)
    {
        if (files.Loaded.TryGetValue(name, out var file))
        {
            if (!string.Equals(file.Plugin, plugin, StringComparison.OrdinalIgnoreCase))
            {
                context.Problems.Error(source, field, $"'{name}' ({file.Source}) is for plugin '{file.Plugin}', not '{plugin}'");
            }
        }
        else if (files.Present.Contains(name))
        {
            // Its own errors are reported against its file; say why this trigger is left out too.
            context.Problems.Error(source, field, $"'{name}' cannot be used: {files.Folder}/{name}.json has errors");
        }
        else
        {
            var known = files.Loaded.Count == 0 ? "none" : string.Join(", ", files.Loaded.Keys.Order(StringComparer.Ordinal));
            context.Problems.Error(source, field, $"unknown {files.Folder[..^1]} '{name}': there is no {files.Folder}/{name}.json (known: {known})");
        }
    }

    private static void ValidateWithPlugins(LoadContext context, List<TriggerDefinition> triggers, SettingsFiles accounts, SettingsFiles configurations)
    {
        var used = triggers.SelectMany(t => t.Actions).Distinct().ToList();

        // Files no trigger uses yet are checked too (with the first file of the same plugin as their partner):
        // an admin validating a folder expects every file in it checked, not only today's wiring.
        string? First(SettingsFiles files, string plugin) =>
            files.Loaded.Values.Where(f => f.Plugin == plugin).Select(f => f.Name).Order(StringComparer.Ordinal).FirstOrDefault();
        var unusedConfigurations = configurations.Loaded.Values
            .Where(c => !used.Any(a => a.Configuration == c.Name))
            .Select(c => First(accounts, c.Plugin) is { } account ? new TriggerAction(c.Plugin, account, c.Name) : null);
        var unusedAccounts = accounts.Loaded.Values
            .Where(a => !used.Any(u => u.Account == a.Name))
            .Select(a => First(configurations, a.Plugin) is { } configuration ? new TriggerAction(a.Plugin, a.Name, configuration) : null);
        var pairs = used.Concat(unusedConfigurations.OfType<TriggerAction>()).Concat(unusedAccounts.OfType<TriggerAction>()).Distinct();
        var reported = new HashSet<ValidationProblem>();
        foreach (var action in pairs)
        {
            if (!context.Registry.TryGetAction(action.Plugin, out var plugin))
            {
                continue;
            }

            var settings = accounts.Loaded[action.Account].With(configurations.Loaded[action.Configuration], context.Root);
            try
            {
                // A file validated in several pairs reports its own problems once.
                foreach (var problem in plugin.Validate(settings).Problems.Where(reported.Add))
                {
                    context.Problems.Add(problem);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Validate must not throw; if it does, the settings cannot be trusted, and the admin needs to know which ones.
                context.Problems.Error(
                    settings.ConfigurationSource!,
                    string.Empty,
                    $"plugin '{action.Plugin}' failed while validating {settings}: {exception.GetType().Name}: {exception.Message}");
            }
        }
    }

    private sealed record LoadContext(string Root, IActionRegistry Registry, ProblemCollector Problems);

    private sealed class SettingsFiles(string folder)
    {
        public string Folder { get; } = folder;

        public HashSet<string> Present { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SettingsFile> Loaded { get; } = new(StringComparer.Ordinal);
    }
}
