using Microsoft.Extensions.Options;

namespace TriggerPlugins.Host.Delivery;

/// <summary>How deliveries are retried and how many run at once. Checked at start-up by <see cref="DeliveryOptionsValidator"/>.</summary>
public sealed class DeliveryOptions
{
    /// <summary>
    /// How long transient failures are retried, counted from the enqueue (or a manual retry). A delivery whose next
    /// attempt would fall after it is dead-lettered. Default 6 hours: long enough to ride out a CRM maintenance window.
    /// </summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long one attempt may run before it is cancelled and counted as a transient failure. Default 2 minutes.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The delay before the second attempt; it doubles for each further attempt (with jitter). Default 2 seconds.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between attempts, unless the service's Retry-After asks for more. Default 5 minutes.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many deliveries of one account run at once. Dynamics allows 52 concurrent requests per user; each
    /// delivery makes its requests one after the other, so 16 leaves room for other clients of the same user. Default 16.
    /// The request rate is paced where the requests are made: the plugin keeps each Dynamics user under its
    /// service-protection limits and holds all of a user's requests after a 429.
    /// </summary>
    public int MaxConcurrencyPerAccount { get; set; } = 16;

    /// <summary>
    /// How long a delivery that succeeded keeps the call's data (names, numbers, variables). After it only what
    /// idempotency needs is kept: the ids, the content hash, the outcome and the ticket reference. Dead letters are
    /// kept whole until handled. Default 30 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>The bounds of <see cref="DeliveryOptions"/>' durations, shared by the validator and the CLI's option parsers.</summary>
public static class DeliveryOptionLimits
{
    /// <summary>The longest <see cref="DeliveryOptions.BaseDelay"/>: 1 hour.</summary>
    public static readonly TimeSpan MaxBaseDelay = TimeSpan.FromHours(1);

    /// <summary>The longest <see cref="DeliveryOptions.MaxDelay"/>: 1 day.</summary>
    public static readonly TimeSpan MaxMaxDelay = TimeSpan.FromDays(1);

    /// <summary>The longest <see cref="DeliveryOptions.Deadline"/>: 30 days.</summary>
    public static readonly TimeSpan MaxDeadline = TimeSpan.FromDays(30);

    /// <summary>The longest <see cref="DeliveryOptions.AttemptTimeout"/>: 1 hour.</summary>
    public static readonly TimeSpan MaxAttemptTimeout = TimeSpan.FromHours(1);

    /// <summary>The shortest <see cref="DeliveryOptions.Retention"/>: 1 hour.</summary>
    public static readonly TimeSpan MinRetention = TimeSpan.FromHours(1);

    /// <summary>The longest <see cref="DeliveryOptions.Retention"/>: 10 years (3650 days).</summary>
    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(3650);
}

/// <summary>Checks <see cref="DeliveryOptions"/> and says which setting is wrong and why.</summary>
public sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    /// <summary>The most concurrent requests Dynamics 365 accepts per user.</summary>
    public const int ServiceConcurrencyLimit = 52;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Positive(options.Deadline, nameof(options.Deadline), failures);
        Positive(options.AttemptTimeout, nameof(options.AttemptTimeout), failures);
        Positive(options.BaseDelay, nameof(options.BaseDelay), failures);
        AtMost(options.Deadline, DeliveryOptionLimits.MaxDeadline, nameof(options.Deadline), failures);
        AtMost(options.AttemptTimeout, DeliveryOptionLimits.MaxAttemptTimeout, nameof(options.AttemptTimeout), failures);
        AtMost(options.BaseDelay, DeliveryOptionLimits.MaxBaseDelay, nameof(options.BaseDelay), failures);
        AtMost(options.MaxDelay, DeliveryOptionLimits.MaxMaxDelay, nameof(options.MaxDelay), failures);
        if (options.Retention < DeliveryOptionLimits.MinRetention || options.Retention > DeliveryOptionLimits.MaxRetention)
        {
            failures.Add($"{nameof(options.Retention)} is {options.Retention}; it must be between {DeliveryOptionLimits.MinRetention} and {DeliveryOptionLimits.MaxRetention}.");
        }

        if (options.MaxDelay < options.BaseDelay)
        {
            failures.Add($"{nameof(options.MaxDelay)} ({options.MaxDelay}) must be at least {nameof(options.BaseDelay)} ({options.BaseDelay}).");
        }

        if (options.MaxConcurrencyPerAccount is < 1 or > ServiceConcurrencyLimit)
        {
            failures.Add($"{nameof(options.MaxConcurrencyPerAccount)} is {options.MaxConcurrencyPerAccount}; it must be between 1 and {ServiceConcurrencyLimit} (the concurrent requests Dynamics 365 accepts per user).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem when the options are invalid.</summary>
    public static DeliveryOptions EnsureValid(DeliveryOptions options)
    {
        var result = new DeliveryOptionsValidator().Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        return result.Failed
            ? throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(DeliveryOptions), result.Failures)
            : options;
    }

    private static void AtMost(TimeSpan value, TimeSpan limit, string name, List<string> failures)
    {
        if (value > limit)
        {
            failures.Add($"{name} is {value}; it must be at most {limit}.");
        }
    }

    private static void Positive(TimeSpan value, string name, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{name} is {value}; it must be more than zero.");
        }
    }
}
