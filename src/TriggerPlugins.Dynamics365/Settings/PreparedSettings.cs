using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using FluentValidation;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>An account and a configuration, checked and parsed once, with every problem found.</summary>
/// <param name="Report">Errors and warnings for the account and the configuration.</param>
/// <param name="Account">The account as written (usable only when the report has no account error).</param>
/// <param name="AccountKey">A hash of the account's content: accounts with the same content share a runtime.</param>
/// <param name="Configuration">The parsed configuration, or null when it has errors (or was not read).</param>
internal sealed record PreparedSettings(ValidationReport Report, AccountSettings Account, string AccountKey, TicketConfiguration? Configuration)
{
    private static readonly AccountValidator Validator = new();

    /// <summary>Checks the account (FluentValidation) and, unless <paramref name="accountOnly"/>, the configuration and its templates.</summary>
    public static PreparedSettings Prepare(ActionSettings settings, string pluginDirectory, bool accountOnly = false)
    {
        var problems = new List<ValidationProblem>();
        var accountSource = settings.AccountSource ?? $"account '{settings.AccountName}'";
        var account = AccountReader.Read(settings.Account, accountSource, problems);
        // A field of the wrong JSON type was already reported; "is required" on top of it would mislead.
        var misTyped = problems.Where(p => p.Severity == ValidationSeverity.Error).Select(p => p.Field).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var failure in Validator.Validate(account).Errors.Where(f => !misTyped.Contains(f.PropertyName)))
        {
            problems.Add(new ValidationProblem(
                failure.Severity == Severity.Error ? ValidationSeverity.Error : ValidationSeverity.Warning,
                accountSource, failure.PropertyName, failure.ErrorMessage));
        }

        TicketConfiguration? configuration = null;
        if (!accountOnly)
        {
            var place = new ConfigurationPlace(
                settings.ConfigurationSource ?? $"configuration '{settings.ConfigurationName}'",
                Path.GetFullPath(settings.BaseDirectory ?? Path.GetDirectoryName(settings.ConfigurationSource) ?? "."),
                pluginDirectory);
            configuration = ConfigurationReader.Read(settings.Configuration, place, problems);
            if (configuration is not null)
            {
                problems.AddRange(configuration.Templates.SelectMany(t => t.CheckStrict(configuration.Options)));
            }
        }

        var report = new ValidationReport(problems);
        return new PreparedSettings(report, account, Hash(settings.Account.GetRawText()), report.IsValid ? configuration : null);
    }

    /// <summary>The problems as one admin-readable text (errors only).</summary>
    public string Errors => string.Join("; ", Report.Problems.Where(p => p.Severity == ValidationSeverity.Error));

    internal static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>
/// Prepared settings by content, so a call does not re-parse templates. <c>Validate</c> refreshes an
/// entry (template files edited on disk are read again when the host re-validates).
/// </summary>
internal sealed class SettingsCache(string pluginDirectory)
{
    private const int Capacity = 256;
    private readonly ConcurrentDictionary<string, PreparedSettings> _entries = new(StringComparer.Ordinal);

    public PreparedSettings Get(ActionSettings settings, bool refresh)
    {
        var key = PreparedSettings.Hash(string.Join('\n',
            settings.Account.GetRawText(), settings.Configuration.GetRawText(), settings.BaseDirectory, settings.ConfigurationSource, settings.AccountSource));
        if (!refresh && _entries.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var prepared = PreparedSettings.Prepare(settings, pluginDirectory);
        if (_entries.Count >= Capacity)
        {
            // Settings change rarely; a full cache means old versions piled up: start over.
            _entries.Clear();
        }

        _entries[key] = prepared;
        return prepared;
    }
}
