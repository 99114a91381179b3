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
    ];

    public static Option<TimeSpan?> Create(string name, string description, TimeSpan? defaultValue = null) => new(name)
    {
        Description = description + " (e.g. 250ms, 2s, 5m, 6h" + (defaultValue is { } d ? $"; default {Format(d)})" : ")"),
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (TryParse(text, out var value))
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a duration; write a number followed by ms, s, m or h (e.g. 2s).");
            return null;
        },
    };

    /// <summary>A duration the way <see cref="TryParse"/> reads it: <c>6h</c>, <c>5m</c>, <c>2s</c>, <c>250ms</c>.</summary>
    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerHour == 0 && value > TimeSpan.Zero ? $"{value.TotalHours:0}h"
        : value.Ticks % TimeSpan.TicksPerMinute == 0 && value > TimeSpan.Zero ? $"{value.TotalMinutes:0}m"
        : value.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{value.TotalSeconds:0}s"
        : $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";

    public static bool TryParse(string text, out TimeSpan value)
    {
        foreach (var (suffix, make) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && number >= 0)
            {
                value = make(number);
                return true;
            }
        }

        value = default;
        return false;
    }
}
