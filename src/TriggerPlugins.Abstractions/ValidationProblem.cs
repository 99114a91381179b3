namespace TriggerPlugins.Abstractions;

/// <summary>One problem, with where it is.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Source">The file or the named item the problem is in (for example <c>accounts/contoso.json</c>).</param>
/// <param name="Field">The field, in JSON path style (for example <c>clientSecret</c> or <c>fields.prioritycode</c>).</param>
/// <param name="Message">What is wrong and what is expected; never a secret's value.</param>
/// <param name="Line">The 1-based line in a template or file, if known.</param>
/// <param name="Column">The 1-based column in a template or file, if known.</param>
public sealed record ValidationProblem(
    ValidationSeverity Severity,
    string Source,
    string Field,
    string Message,
    int? Line = null,
    int? Column = null)
{
    /// <summary>Formats the problem as <c>source(line,column): field: message</c>.</summary>
    public override string ToString()
    {
        var where = Line is { } line ? $"{Source}({line},{Column ?? 1})" : Source;
        var severity = Severity == ValidationSeverity.Warning ? "warning: " : string.Empty;
        return string.IsNullOrEmpty(Field) ? $"{where}: {severity}{Message}" : $"{where}: {severity}{Field}: {Message}";
    }
}
