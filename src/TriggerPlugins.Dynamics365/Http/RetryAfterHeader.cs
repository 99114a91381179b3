using System.Net.Http.Headers;

namespace TriggerPlugins.Dynamics365.Http;

/// <summary>
/// The one reader of <c>Retry-After</c> (Dataverse's 429 and 503 answers, Azure AD's token endpoint): seconds, or an
/// HTTP date measured against the plugin's <see cref="TimeProvider"/>. A wait is never negative: a date already past
/// (clocks differ) or a negative number means "now".
/// </summary>
internal static class RetryAfterHeader
{
    /// <summary>How long the server asked to wait, or <see langword="null"/> when it did not say.</summary>
    public static TimeSpan? Parse(RetryConditionHeaderValue? header, TimeProvider time)
    {
        if (header?.Delta is { } delta)
        {
            return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
