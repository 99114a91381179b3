using PhoneNumbers;

namespace TriggerPlugins.Dynamics365.Phones;

/// <summary>
/// A customer's phone number as received and, when it can be read, in E.164 (<c>+390612345678</c>).
/// </summary>
/// <remarks>
/// The rule (documented in templates/README.md): the number is parsed with libphonenumber, using the
/// configuration's <c>defaultCountry</c> for national numbers (<c>06 12345678</c>) and international
/// prefixes (<c>0039 …</c>); when it parses to a possible number it is written in E.164, otherwise it is
/// used as received, trimmed. Contacts are matched on either form, and created with the E.164 form.
/// An empty or withheld number (<c>anonymous</c>, <c>private</c>, …) is <see cref="IsAnonymous"/>.
/// </remarks>
internal sealed record PhoneNumber(string AsReceived, string? E164)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    private static readonly HashSet<string> WithheldWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "anonymous", "unknown", "private", "restricted", "withheld", "unavailable", "blocked", "none",
    };

    /// <summary>Normalises a number; <paramref name="defaultCountry"/> is an ISO 3166 code such as <c>IT</c>.</summary>
    public static PhoneNumber Normalize(string? raw, string? defaultCountry)
    {
        var trimmed = raw?.Trim() ?? string.Empty;
        if (trimmed.Length == 0 || WithheldWords.Contains(trimmed) || !trimmed.Any(char.IsAsciiDigit))
        {
            return new PhoneNumber(trimmed, null);
        }

        var parsed = TryParse(trimmed, defaultCountry);
        return new PhoneNumber(trimmed, parsed is null ? null : Util.Format(parsed, PhoneNumberFormat.E164));
    }

    /// <summary>The number written for people (<c>+39 06 1234 5678</c>), or as received when unreadable.</summary>
    public static string FormatForPeople(string? raw, string? defaultCountry)
    {
        var trimmed = raw?.Trim() ?? string.Empty;
        var parsed = trimmed.Length == 0 ? null : TryParse(trimmed, defaultCountry);
        return parsed is null ? trimmed : Util.Format(parsed, PhoneNumberFormat.INTERNATIONAL);
    }

    /// <summary>True when the call carries no usable number.</summary>
    public bool IsAnonymous => E164 is null && (AsReceived.Length == 0 || WithheldWords.Contains(AsReceived) || !AsReceived.Any(char.IsAsciiDigit));

    /// <summary>The form stored on new contacts and used as the cache key.</summary>
    public string Canonical => E164 ?? AsReceived;

    /// <summary>The distinct values <c>telephone1</c> is matched against, E.164 first.</summary>
    public IReadOnlyList<string> MatchValues
        => E164 is null || E164 == AsReceived ? [AsReceived] : [E164, AsReceived];

    /// <summary>True when the ISO code is a region libphonenumber knows.</summary>
    public static bool IsSupportedCountry(string code) => Util.GetSupportedRegions().Contains(code.ToUpperInvariant());

    private static PhoneNumbers.PhoneNumber? TryParse(string text, string? defaultCountry)
    {
        try
        {
            var number = Util.Parse(text, defaultCountry?.ToUpperInvariant() ?? "ZZ");
            return Util.IsPossibleNumber(number) ? number : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
