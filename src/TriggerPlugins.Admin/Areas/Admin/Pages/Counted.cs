using System.Globalization;

namespace TriggerPlugins.Admin.Pages;

/// <summary>A count with its noun in the number English wants ("1 delivery", "3 deliveries"), for the pages' text.</summary>
internal static class Counted
{
    /// <summary><paramref name="count"/> followed by <paramref name="one"/> when it is 1, otherwise by <paramref name="many"/>.</summary>
    public static string Of(long count, string one, string many) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? one : many)}");
}
