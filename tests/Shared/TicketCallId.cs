using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TriggerPlugins.Tests.Shared;

/// <summary>
/// The call event id a ticket was made or last updated for: the sample configurations map only standard columns,
/// and the default description holds a line "Call id: ...".
/// </summary>
internal static partial class TicketCallId
{
    public static string? Of(JsonObject incident)
        => incident["description"]?.ToString() is { } text && CallIdLine().Match(text) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"^Call id: (\S+)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex CallIdLine();
}
