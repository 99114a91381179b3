namespace TriggerPlugins.DataverseEmulator.Data;

/// <summary>Case numbers in Dataverse's default format: <c>CAS-01234-ABCDEF</c> (a sequence, then a random suffix).</summary>
internal sealed class TicketNumberGenerator(int? seed)
{
    private const string SuffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private readonly Lock _gate = new();
    private readonly Random _random = seed is { } s ? new Random(s) : new Random();
    private int _sequence = 1000;

    public string Next()
    {
        lock (_gate)
        {
            var suffix = new char[6];
            for (var i = 0; i < suffix.Length; i++)
            {
                suffix[i] = SuffixAlphabet[_random.Next(SuffixAlphabet.Length)];
            }

            return $"CAS-{++_sequence % 100_000:D5}-{new string(suffix)}";
        }
    }
}
