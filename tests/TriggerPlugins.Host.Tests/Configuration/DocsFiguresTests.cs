using TriggerPlugins.Host.Delivery;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Host.Tests.Configuration;

/// <summary>
/// Every figure in the docs that comes from a code default (delivery limits, retry schedule) is read from the docs
/// and compared with the code: changing a default without the docs, or the docs without the code, fails here.
/// </summary>
public sealed class DocsFiguresTests
{
    private static readonly DeliveryOptions Defaults = new();

    public static TheoryData<string, string, double> Figures => new()
    {
        // samples/config/README.md, "Delivery"
        { "samples/config/README.md", @"\((\d+) s doubling to at most \d+ min", Defaults.BaseDelay.TotalSeconds },
        { "samples/config/README.md", @"doubling to at most (\d+) min", Defaults.MaxDelay.TotalMinutes },
        { "samples/config/README.md", @"for up to (\d+) hours", Defaults.Deadline.TotalHours },
        { "samples/config/README.md", @"at most (\d+) deliveries run at once", Defaults.MaxConcurrencyPerAccount },
        { "samples/config/README.md", @"and (\d+) concurrent requests that Dynamics allows", DeliveryOptionsValidator.ServiceConcurrencyLimit },

        // README.md, "Reliability"
        { "README.md", @"until the\s+deadline \((\d+) h by\s+default\)", Defaults.Deadline.TotalHours },
        { "README.md", @"at most (\d+) deliveries run at once", Defaults.MaxConcurrencyPerAccount },
    };

    [Theory]
    [MemberData(nameof(Figures))]
    public void Each_documented_default_is_the_code_default(string document, string pattern, double expected)
        => DocFigures.AssertEach(document, pattern, expected);
}
