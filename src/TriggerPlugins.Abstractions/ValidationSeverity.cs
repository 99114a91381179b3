namespace TriggerPlugins.Abstractions;

/// <summary>How bad a validation problem is.</summary>
public enum ValidationSeverity
{
    /// <summary>The settings cannot be used.</summary>
    Error,

    /// <summary>The settings work, but probably not as meant (reported by strict validation).</summary>
    Warning,
}
