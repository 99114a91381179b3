namespace TriggerPlugins.Dynamics365.Templates;

/// <summary>What a template's rendering depends on besides the call: the configuration's zone and country.</summary>
/// <param name="TimeZone">Times in the model are converted to this zone.</param>
/// <param name="DefaultCountry">ISO 3166 country used to read national phone numbers, if configured.</param>
internal sealed record TemplateOptions(TimeZoneInfo TimeZone, string? DefaultCountry)
{
    public static TemplateOptions Utc { get; } = new(TimeZoneInfo.Utc, null);
}
