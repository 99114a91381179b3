using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Json;

/// <summary>Collects every problem found while loading, so one run reports them all.</summary>
internal sealed class ProblemCollector
{
    // Shorter values are too likely to occur in ordinary words of a message to be replaced in it.
    private const int ShortestRedactedValue = 4;

    private readonly List<ValidationProblem> _problems = [];
    private readonly List<(string Variable, string Value)> _secrets = [];

    public int ErrorCount { get; private set; }

    public IReadOnlyList<ValidationProblem> Problems => _problems;

    public void Error(string source, string field, string message, int? line = null, int? column = null) =>
        Add(new ValidationProblem(ValidationSeverity.Error, source, field, message, line, column));

    public void Warning(string source, string field, string message) =>
        Add(new ValidationProblem(ValidationSeverity.Warning, source, field, message));

    /// <summary>
    /// Remembers a value read from an environment variable (<c>env:NAME</c>): every later message says
    /// "the value of NAME" instead of the value, whoever wrote the message (the host or a plugin).
    /// </summary>
    public void AddEnvironmentValue(string variable, string value)
    {
        if (value.Length >= ShortestRedactedValue)
        {
            _secrets.Add((variable, value));
        }
    }

    public void Add(ValidationProblem problem)
    {
        problem = Redact(problem);
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

    private ValidationProblem Redact(ValidationProblem problem)
    {
        var message = problem.Message;
        foreach (var (variable, value) in _secrets.OrderByDescending(s => s.Value.Length))
        {
            message = message.Replace(value, $"(the value of environment variable {variable})", StringComparison.Ordinal);
        }

        return ReferenceEquals(message, problem.Message) ? problem : problem with { Message = message };
    }
}
