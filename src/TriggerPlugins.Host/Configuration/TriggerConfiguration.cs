using System.Diagnostics.CodeAnalysis;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Host.Triggers;

namespace TriggerPlugins.Host.Configuration;

/// <summary>
/// What a config folder holds once loaded: triggers (compiled), accounts and configurations, and every problem
/// found. Items with errors are left out; check <see cref="HasErrors"/> before running anything.
/// </summary>
public sealed class TriggerConfiguration
{
    internal TriggerConfiguration(
        string directory,
        IReadOnlyList<TriggerDefinition> triggers,
        IReadOnlyDictionary<string, SettingsFile> accounts,
        IReadOnlyDictionary<string, SettingsFile> configurations,
        IReadOnlyList<ValidationProblem> problems)
    {
        Directory = directory;
        Triggers = triggers;
        Accounts = accounts;
        Configurations = configurations;
        Problems = problems;
    }

    /// <summary>The config folder (full path): relative template paths resolve against it.</summary>
    public string Directory { get; }

    /// <summary>The triggers that loaded without error, by name.</summary>
    public IReadOnlyList<TriggerDefinition> Triggers { get; }

    /// <summary>The accounts that loaded without error, by name.</summary>
    public IReadOnlyDictionary<string, SettingsFile> Accounts { get; }

    /// <summary>The configurations that loaded without error, by name.</summary>
    public IReadOnlyDictionary<string, SettingsFile> Configurations { get; }

    /// <summary>Every problem, with file, field and (for syntax errors) line and column, in the order found.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; }

    /// <summary>True when any problem is an error.</summary>
    public bool HasErrors => Problems.Any(p => p.Severity == ValidationSeverity.Error);

    /// <summary>Builds the settings an action runs with, from an account and a configuration name.</summary>
    public bool TryGetSettings(string account, string configuration, [NotNullWhen(true)] out ActionSettings? settings)
    {
        if (Accounts.TryGetValue(account, out var accountFile) && Configurations.TryGetValue(configuration, out var configurationFile))
        {
            settings = accountFile.With(configurationFile, Directory);
            return true;
        }

        settings = null;
        return false;
    }
}
