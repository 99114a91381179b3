namespace TriggerPlugins.Host.Delivery;

/// <summary>
/// Which deliveries a list or a bulk retry applies to; every criterion given must hold, and an empty filter
/// matches every delivery. Used by <c>triggers deliveries list/retry</c> and by <see cref="IDeliveryStore"/>.
/// </summary>
public sealed record DeliveryFilter
{
    /// <summary>Every delivery.</summary>
    public static DeliveryFilter All { get; } = new();

    /// <summary>Only deliveries in this state.</summary>
    public DeliveryStatus? Status { get; init; }

    /// <summary>Only deliveries of this account (the account file's name).</summary>
    public string? Account { get; init; }

    /// <summary>
    /// Only dead letters with this failure code (<see cref="DeliveryRecord.FailureCode"/>): an exact code
    /// (<c>auth.invalid-secret</c>) or a prefix ending in <c>*</c> (<c>auth.*</c>).
    /// </summary>
    public string? Code { get; init; }

    /// <summary>Only deliveries that last changed at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only deliveries that last changed at or before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The code prefix when <see cref="Code"/> ends in <c>*</c>; <see langword="null"/> otherwise.</summary>
    public string? CodePrefix => Code is { } code && code.EndsWith('*') ? code[..^1] : null;

    /// <summary>The exact code when <see cref="Code"/> does not end in <c>*</c>; <see langword="null"/> otherwise.</summary>
    public string? ExactCode => Code is { } code && !code.EndsWith('*') ? code : null;

    /// <summary>True when <paramref name="record"/> meets every criterion (the stores filter in their query language; this is the reference).</summary>
    public bool Matches(DeliveryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (Status is not { } status || record.Status == status)
            && (Account is null || string.Equals(record.Action.Account, Account, StringComparison.Ordinal))
            && (ExactCode is null || string.Equals(record.FailureCode, ExactCode, StringComparison.Ordinal))
            && (CodePrefix is null || (record.FailureCode?.StartsWith(CodePrefix, StringComparison.Ordinal) ?? false))
            && (Since is not { } since || record.UpdatedAt >= since)
            && (Until is not { } until || record.UpdatedAt <= until);
    }
}
