namespace TriggerPlugins.Host.Events;

/// <summary>
/// How big a call event may be. A line over <see cref="MaxLineBytes"/> is skipped (and reported with its line number)
/// without being read into memory; the fixed limits on ids, text fields and variables keep one event from filling the
/// queue or a ticket. The README's "Security and data" section lists them; a test checks it against these values.
/// </summary>
public sealed record CallEventLimits
{
    /// <summary>The default <see cref="MaxLineBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxLineBytes = 1024 * 1024;

    /// <summary>The largest <see cref="MaxLineBytes"/> an admin may set: 16 MiB.</summary>
    public const int UpperMaxLineBytes = 16 * 1024 * 1024;

    /// <summary>The longest event id, in characters.</summary>
    public const int MaxIdLength = 100;

    /// <summary>The longest text field (numbers, names, queue, agent, disposition, recording, a variable's value), in characters.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>The most variables one event may carry.</summary>
    public const int MaxVariables = 256;

    /// <summary>The longest variable name, in characters.</summary>
    public const int MaxVariableNameLength = 128;

    /// <summary>The limits with every default.</summary>
    public static CallEventLimits Default { get; } = new();

    /// <summary>The longest line (one event), in bytes of UTF-8. Default <see cref="DefaultMaxLineBytes"/>.</summary>
    public int MaxLineBytes { get; init; } = DefaultMaxLineBytes;
}
