using System.Reflection;
using System.Text.Json.Serialization;

namespace TriggerPlugins.Host.Events;

/// <summary>The JSON names of the contract's enums (<c>call-end</c>, <c>answered</c>, ...), as their attributes declare them.</summary>
public static class ContractEnumNames
{
    /// <summary>The JSON names of every value of <typeparamref name="TEnum"/>, in declaration order.</summary>
    public static IReadOnlyList<string> Names<TEnum>() where TEnum : struct, Enum => Cache<TEnum>.Names;

    /// <summary>Finds the value whose JSON name is <paramref name="name"/> (case-insensitive).</summary>
    public static bool TryParse<TEnum>(string name, out TEnum value) where TEnum : struct, Enum
    {
        var index = Cache<TEnum>.IndexOf(name);
        value = index >= 0 ? Cache<TEnum>.Values[index] : default;
        return index >= 0;
    }

    /// <summary>The JSON name of <paramref name="value"/>.</summary>
    public static string NameOf<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var index = Array.IndexOf(Cache<TEnum>.Values, value);
        return index >= 0 ? Cache<TEnum>.Names[index] : value.ToString();
    }

    /// <summary>The JSON names of an enum type known only at run time.</summary>
    internal static IReadOnlyList<string> NamesOf(Type enumType) =>
        [.. enumType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(JsonName)];

    private static string JsonName(FieldInfo field) =>
        field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name;

    private static class Cache<TEnum> where TEnum : struct, Enum
    {
        public static readonly TEnum[] Values = [.. typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (TEnum)f.GetValue(null)!)];

        public static readonly string[] Names = [.. NamesOf(typeof(TEnum))];

        public static int IndexOf(string name) =>
            Array.FindIndex(Names, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
    }
}
