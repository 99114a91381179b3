using System.Globalization;
using Scriban;
using Scriban.Syntax;
using TriggerPlugins.Dynamics365.Phones;

namespace TriggerPlugins.Dynamics365.Templates;

/// <summary>
/// Helper functions templates may call (documented in templates/README.md). Every helper returns empty
/// text for a missing value, so a call that lacks a value never fails a ticket.
/// </summary>
internal static class TemplateFunctions
{
    /// <summary><c>format_duration 3723</c> → <c>1h 02m 03s</c>; <c>125</c> → <c>2m 05s</c>; <c>42</c> → <c>42s</c>.</summary>
    public static string FormatDuration(object? seconds)
    {
        if (seconds is null || !TryGetLong(seconds, out var total))
        {
            return string.Empty;
        }

        total = Math.Max(0, total);
        var hours = total / 3600;
        var minutes = total % 3600 / 60;
        var rest = total % 60;
        return hours > 0 ? $"{hours}h {minutes:00}m {rest:00}s"
            : minutes > 0 ? $"{minutes}m {rest:00}s"
            : $"{rest}s";
    }

    /// <summary><c>format_phone "0612345678"</c> → <c>+39 06 1234 5678</c> (with defaultCountry IT); unreadable numbers as received.</summary>
    public static string FormatPhone(TemplateContext context, object? number)
        => number is null ? string.Empty : PhoneNumber.FormatForPeople(Convert.ToString(number, CultureInfo.InvariantCulture), Options(context).DefaultCountry);

    /// <summary>
    /// <c>format_date call.start_time</c> → <c>2025-03-14 10:15</c>; an optional .NET format
    /// (<c>"dd/MM/yyyy HH:mm:ss"</c>) and IANA time zone (<c>"America/New_York"</c>) override the defaults.
    /// </summary>
    public static string FormatDate(TemplateContext context, object? value, string? format = null, string? timeZone = null)
    {
        DateTimeOffset? time = value switch
        {
            DateTimeOffset offset => offset,
            DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
            _ => null,
        };
        if (time is null)
        {
            return string.Empty;
        }

        var zone = Options(context).TimeZone;
        if (!string.IsNullOrEmpty(timeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out zone))
        {
            throw new ScriptRuntimeException(context.CurrentNode?.Span ?? default, $"format_date: unknown time zone '{timeZone}' (expected an IANA id such as Europe/Rome)");
        }

        try
        {
            return TimeZoneInfo.ConvertTime(time.Value, zone!).ToString(string.IsNullOrEmpty(format) ? "yyyy-MM-dd HH:mm" : format, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new ScriptRuntimeException(context.CurrentNode?.Span ?? default, $"format_date: '{format}' is not a valid date format (e.g. \"dd/MM/yyyy HH:mm\")");
        }
    }

    private static TemplateOptions Options(TemplateContext context)
        => (context as CallTemplateContext)?.Options ?? TemplateOptions.Utc;

    private static bool TryGetLong(object value, out long result)
    {
        switch (value)
        {
            case int i: result = i; return true;
            case long l: result = l; return true;
            case double d: result = (long)Math.Round(d); return true;
            case decimal m: result = (long)Math.Round(m); return true;
            case string s: return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out result);
            default: result = 0; return false;
        }
    }
}
