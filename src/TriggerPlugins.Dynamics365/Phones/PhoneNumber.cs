using PhoneNumbers;

namespace TriggerPlugins.Dynamics365.Phones;

/// <summary>
/// A customer's phone number as received and, when it can be read, in E.164 (<c>+390612345678</c>).
/// </summary>
/// <remarks>
/// The rule (documented in templates/README.md): the number is parsed with libphonenumber, using the
/// configuration's <c>defaultCountry</c> for national numbers (<c>06 12345678</c>) and international
/// prefixes (<c>0039 …</c>); when it parses to a possible number it is written in E.164, otherwise it is
/// used as received, trimmed. Contacts are matched on every common way of writing the number
/// (<see cref="MatchValues"/>), each candidate is re-normalised and compared in E.164, and new contacts are created
/// with the E.164 form.
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
        return new PhoneNumber(trimmed, parsed is null ? null : Util.Format(parsed, PhoneNumberFormat.E164)) { DefaultCountry = defaultCountry };
    }

    /// <summary>The number written for people (<c>+39 06 1234 5678</c>), or as received when unreadable.</summary>
    public static string FormatForPeople(string? raw, string? defaultCountry)
    {
        var trimmed = raw?.Trim() ?? string.Empty;
        var parsed = trimmed.Length == 0 ? null : TryParse(trimmed, defaultCountry);
        return parsed is null ? trimmed : Util.Format(parsed, PhoneNumberFormat.INTERNATIONAL);
    }

    /// <summary>The country national numbers were read with (stored numbers are re-read with it too).</summary>
    public string? DefaultCountry { get; init; }

    /// <summary>True when the call carries no usable number.</summary>
    public bool IsAnonymous => E164 is null && (AsReceived.Length == 0 || WithheldWords.Contains(AsReceived) || !AsReceived.Any(char.IsAsciiDigit));

    /// <summary>The form stored on new contacts and used as the cache key.</summary>
    public string Canonical => E164 ?? AsReceived;

    /// <summary>
    /// The distinct values a phone column is matched against with <c>eq</c>, E.164 first: Dataverse does no phone
    /// normalisation, so one request lists the ways people write the number (see <see cref="StoredForms"/>).
    /// An unreadable number is matched as received only.
    /// </summary>
    public IReadOnlyList<string> MatchValues
        => E164 is null ? [AsReceived] : [.. new[] { E164, AsReceived }.Concat(StoredForms(E164)).Distinct(StringComparer.Ordinal)];

    /// <summary>True when a stored number is this number: it is re-normalised with the same default country and compared in E.164.</summary>
    public bool IsSameNumber(string? stored)
        => stored is not null && (E164 is null ? stored.Trim() == AsReceived : Normalize(stored, DefaultCountry).E164 == E164);

    /// <summary>
    /// How contacts commonly hold a number, built with libphonenumber from its E.164 form: E.164, international and
    /// national formats, digits only (with and without the national prefix, with <c>00</c> or the country code), the
    /// groups joined by spaces, hyphens or dots, and the first group apart from the other digits
    /// (<c>0039 06 12345678</c>, <c>030/12345678</c>).
    /// </summary>
    internal static IEnumerable<string> StoredForms(string e164)
    {
        var number = Util.Parse(e164, "ZZ");
        var code = number.CountryCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var international = Util.Format(number, PhoneNumberFormat.INTERNATIONAL);
        var national = Util.Format(number, PhoneNumberFormat.NATIONAL);
        var significant = Util.GetNationalSignificantNumber(number);
        var internationalGroups = Groups(international[(1 + code.Length)..]);
        var nationalGroups = Groups(national);

        yield return e164;
        yield return international;
        yield return national;
        yield return code + significant;
        yield return "00" + code + significant;
        foreach (var joined in Joins(nationalGroups))
        {
            yield return joined;
        }

        if (national.StartsWith('0'))
        {
            // "+44 (0)20 7946 0018": the national prefix kept in brackets.
            yield return $"+{code} (0){string.Join(' ', internationalGroups)}";
        }

        foreach (var joined in Joins(internationalGroups))
        {
            yield return $"+{code} {joined}";
            yield return $"00{code} {joined}";
            yield return $"+{code}-{joined}";
        }

        // "1-202-555-0143", "1 202 555 0143": the country code without "+" or "00".
        yield return $"{code}-{string.Join('-', internationalGroups)}";
        yield return $"{code} {string.Join(' ', internationalGroups)}";
    }

    private static string[] Groups(string formatted)
        => formatted.Split([' ', '-', '.', '(', ')', '/'], StringSplitOptions.RemoveEmptyEntries);

    private static IEnumerable<string> Joins(string[] groups)
    {
        yield return string.Join(' ', groups);
        yield return string.Join('-', groups);
        yield return string.Join('.', groups);
        yield return string.Concat(groups);
        if (groups.Length >= 2)
        {
            yield return groups[0] + " " + string.Concat(groups[1..]);
            yield return groups[0] + "/" + string.Concat(groups[1..]);
        }
    }

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
