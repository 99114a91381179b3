using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Configuration;

/// <summary>Collects every problem found while loading, so one run reports them all.</summary>
internal sealed class ProblemCollector
{
    private readonly List<ValidationProblem> _problems = [];

    public int ErrorCount { get; private set; }

    public IReadOnlyList<ValidationProblem> Problems => _problems;

    public void Error(string source, string field, string message, int? line = null, int? column = null) =>
        Add(new ValidationProblem(ValidationSeverity.Error, source, field, message, line, column));

    public void Warning(string source, string field, string message) =>
        Add(new ValidationProblem(ValidationSeverity.Warning, source, field, message));

    public void Add(ValidationProblem problem)
    {
        // The same account can be validated with several configurations: report each problem once.
        if (_problems.Contains(problem))
        {
            return;
        }

        _problems.Add(problem);
        if (problem.Severity == ValidationSeverity.Error)
        {
            ErrorCount++;
        }
    }
}
