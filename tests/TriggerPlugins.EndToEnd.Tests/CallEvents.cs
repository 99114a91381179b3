using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TriggerPlugins.EndToEnd.Tests;

/// <summary>Writes realistic call-event files: answered inbound calls (matched by the sample trigger "inbound-answered").</summary>
internal static class CallEvents
{
    private static readonly string[] Agents = ["alice.rossi@contoso.com", "bruno.bianchi@contoso.com", "carla.verdi@contoso.com"];

    /// <summary>
    /// <paramref name="count"/> answered inbound calls with ids "{prefix}-0001"...; callers repeat (a contact center's
    /// customers call back), one in four is a new number.
    /// </summary>
    public static string AnsweredInbound(string prefix, int count)
    {
        var lines = new StringBuilder();
        var start = new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.FromHours(1));
        for (var i = 1; i <= count; i++)
        {
            var caller = i % 4 == 0 ? $"+39061{i:D7}" : $"+3906200000{i % 7:D2}";
            var callEvent = new Dictionary<string, object?>
            {
                ["id"] = $"{prefix}-{i:D4}",
                ["kind"] = "call-end",
                ["direction"] = "inbound",
                ["callerNumber"] = caller,
                ["callerName"] = $"Customer {i % 7}",
                ["calledNumber"] = "+390699999999",
                ["queue"] = "support",
                ["status"] = "answered",
                ["agent"] = new Dictionary<string, string> { ["email"] = Agents[i % Agents.Length] },
                ["startTime"] = start.AddMinutes(i).ToString("O", CultureInfo.InvariantCulture),
                ["answerTime"] = start.AddMinutes(i).AddSeconds(15).ToString("O", CultureInfo.InvariantCulture),
                ["endTime"] = start.AddMinutes(i).AddSeconds(200).ToString("O", CultureInfo.InvariantCulture),
                ["talkSeconds"] = 185,
                ["totalSeconds"] = 200,
            };
            lines.AppendLine(JsonSerializer.Serialize(callEvent));
        }

        return lines.ToString();
    }
}
