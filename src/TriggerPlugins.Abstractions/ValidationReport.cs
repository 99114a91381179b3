namespace TriggerPlugins.Abstractions;

/// <summary>The problems found in an account, a configuration or a template.</summary>
public sealed class ValidationReport
{
    /// <summary>A report with no problem.</summary>
    public static ValidationReport Valid { get; } = new([]);

    /// <summary>Creates a report.</summary>
    /// <param name="problems">The problems found, in the order found.</param>
    public ValidationReport(IEnumerable<ValidationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        Problems = [.. problems];
    }

    /// <summary>Every problem, errors and warnings.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; }

    /// <summary>True when no problem is an error (warnings allowed).</summary>
    public bool IsValid => !Problems.Any(p => p.Severity == ValidationSeverity.Error);
}
