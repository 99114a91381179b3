using System.CommandLine;
using System.Globalization;

namespace TriggerPlugins.Cli.Common;

/// <summary>An option holding a duration written the way admins write them: <c>250ms</c>, <c>2s</c>, <c>5m</c>, <c>6h</c>.</summary>
internal static class DurationOption
{
    private static readonly (string Suffix, Func<double, TimeSpan> Make)[] Units =
    [
        ("ms", TimeSpan.FromMilliseconds),
        ("s", TimeSpan.FromSeconds),
        ("m", TimeSpan.FromMinutes),
        ("h", TimeSpan.FromHours),
        ("d", TimeSpan.FromDays),
    ];

    /// <summary>
    /// An optional duration; a value outside [<paramref name="min"/>, <paramref name="max"/>] is a parse error (exit 2).
    /// <paramref name="defaultValue"/> is only shown in the help (the command applies its own default).
    /// </summary>
    public static Option<TimeSpan?> Create(string name, string description, TimeSpan? min = null, TimeSpan? max = null, TimeSpan? defaultValue = null) => new(name)
    {
        Description = description + " (e.g. 250ms, 2s, 5m, 6h, 30d"
            + (max is { } m ? $"; at most {Format(m)}" : string.Empty)
            + (defaultValue is { } d ? $"; default {Format(d)}" : string.Empty) + ")",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (!TryParse(text, out var value))
            {
                result.AddError($"{name}: '{text}' is not a duration; write a number followed by ms, s, m, h or d (e.g. 2s).");
                return null;
            }

            var lowest = min ?? TimeSpan.FromMilliseconds(1);
            if (value < lowest || (max is { } highest && value > highest))
            {
                result.AddError($"{name}: {text} is out of range; it must be between {Format(lowest)} and {(max is { } h ? Format(h) : "any length")}.");
                return null;
            }

            return value;
        },
    };

    public static bool TryParse(string text, out TimeSpan value)
    {
        foreach (var (suffix, make) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && number >= 0 && double.IsFinite(number))
            {
                // TimeSpan holds about 29,000 years: longer than 100 years reads as "the longest", which every bound refuses.
                value = number * make(1).TotalDays <= 36500 ? make(number) : TimeSpan.MaxValue;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>A duration the way <see cref="TryParse"/> reads it: <c>30d</c>, <c>6h</c>, <c>5m</c>, <c>2s</c>, <c>250ms</c>.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalDays >= 1 && value.TotalDays % 1 == 0 ? $"{value.TotalDays:0}d"
        : value.TotalHours >= 1 && value.TotalHours % 1 == 0 ? $"{value.TotalHours:0}h"
        : value.TotalMinutes >= 1 && value.TotalMinutes % 1 == 0 ? $"{value.TotalMinutes:0}m"
        : value.TotalSeconds >= 1 ? $"{value.TotalSeconds:0.###}s"
        : $"{value.TotalMilliseconds:0}ms";
}
