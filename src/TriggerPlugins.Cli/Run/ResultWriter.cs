namespace TriggerPlugins.Cli.Run;

/// <summary>Writes result lines to standard output, whole lines only, from many concurrent deliveries.</summary>
internal sealed class ResultWriter(bool json)
{
    private readonly Lock _gate = new();
    private int _total;
    private int _failures;
    private int _succeeded;

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
            else if (line.TicketId is not null)
            {
                _succeeded++;
            }

            Console.Out.WriteLine(text);
        }
    }

    public void WriteSummary()
    {
        if (!json)
        {
            lock (_gate)
            {
                Console.Error.WriteLine($"{_succeeded} delivered, {_failures} failed or invalid, {_total} result line(s).");
            }
        }
    }
}
