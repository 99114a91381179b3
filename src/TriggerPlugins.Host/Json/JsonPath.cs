namespace TriggerPlugins.Host.Json;

/// <summary>Builds field paths in the JSON path style that problems report (<c>conditions[1].value</c>).</summary>
internal static class JsonPath
{
    public static string Property(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    public static string Item(string parent, int index) => $"{parent}[{index}]";
}
