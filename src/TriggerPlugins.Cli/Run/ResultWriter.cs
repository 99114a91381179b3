namespace TriggerPlugins.Cli.Run;

/// <summary>Writes result lines to standard output, whole lines only, from many concurrent deliveries; counts them by status for the summary.</summary>
internal sealed class ResultWriter(bool json)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _byStatus = new(StringComparer.Ordinal);
    private int _total;
    private int _failures;

    public int Total => Volatile.Read(ref _total);

    public int Failures => Volatile.Read(ref _failures);

    public void Write(ResultLine line)
    {
        var text = json ? line.ToJson() : line.ToText();
        lock (_gate)
        {
            _total++;
            if (line.IsFailure)
            {
                _failures++;
            }

            _byStatus[line.Status] = _byStatus.GetValueOrDefault(line.Status) + 1;
            Console.Out.WriteLine(text);
        }
    }

    /// <summary>The summary line: what this run created, what earlier runs had, what failed.</summary>
    public string Summary()
    {
        lock (_gate)
        {
            int Count(string status) => _byStatus.GetValueOrDefault(status);
            return $"{Count(ResultLine.Statuses.Created)} created, {Count(ResultLine.Statuses.AlreadyExisted)} already existed, "
                + $"{Count(ResultLine.Statuses.Failed) + Count(ResultLine.Statuses.FailedEarlier)} failed permanently "
                + $"({Count(ResultLine.Statuses.FailedEarlier)} of them in an earlier run), {Count(ResultLine.Statuses.Invalid)} invalid line(s), "
                + $"{Count(ResultLine.Statuses.NoMatch)} call(s) matched no trigger.";
        }
    }

    public void WriteSummary()
    {
        if (!json)
        {
            Console.Error.WriteLine(Summary());
        }
    }
}
