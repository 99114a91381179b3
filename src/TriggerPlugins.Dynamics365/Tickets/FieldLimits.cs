namespace TriggerPlugins.Dynamics365.Tickets;

/// <summary>
/// Dataverse column lengths (Common Data Model, Case and Contact): longer text is cut with a marker
/// rather than sent, since Dataverse refuses the whole request for one long value.
/// </summary>
internal static class FieldLimits
{
    public const int IncidentTitle = 200;
    public const int IncidentDescription = 2000;
    public const int ContactFirstName = 50;
    public const int ContactLastName = 50;
    public const int ContactTelephone = 50;

    public const string Marker = "…";

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxLength"/> characters, ending with "…" when cut.</summary>
    public static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var keep = maxLength - Marker.Length;
        // Never split a surrogate pair (an emoji in a caller name) in half.
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return text[..Math.Max(0, keep)].TrimEnd() + Marker;
    }
}
