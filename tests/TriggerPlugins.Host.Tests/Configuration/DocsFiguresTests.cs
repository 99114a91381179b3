using System.Globalization;
using System.Text.RegularExpressions;
using TriggerPlugins.Host.Delivery;

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
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), document));

        var matches = Regex.Matches(text, pattern);

        Assert.True(matches.Count > 0, $"{document} no longer says /{pattern}/: update the doc and this test together.");
        Assert.All(matches, m => Assert.Equal(expected, double.Parse(m.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture)));
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TriggerPlugins.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("TriggerPlugins.sln not found above the test folder.");
    }
}
