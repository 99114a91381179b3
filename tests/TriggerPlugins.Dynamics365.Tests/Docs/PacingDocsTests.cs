using TriggerPlugins.Dynamics365.Http;
using TriggerPlugins.Host.RateLimits;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Dynamics365.Tests.Docs;

/// <summary>The per-user pacing figures in the docs are the plugin's defaults: changing one without the other fails here.</summary>
public sealed class PacingDocsTests
{
    public static TheoryData<string, string, double> Figures => new()
    {
        { "README.md", @"\(([\d,]+) requests per sliding \d+ minutes, \d+ in flight", ServiceProtectionHandler.RequestsPerWindow },
        { "README.md", @"\([\d,]+ requests per sliding (\d+) minutes, \d+ in flight", ServiceProtectionHandler.Window.TotalMinutes },
        { "README.md", @"\([\d,]+ requests per sliding \d+ minutes, (\d+) in flight", ServiceProtectionHandler.MaxConcurrency },
        { "README.md", @"`Retry-After` \+ (\d+) s has passed", ServiceProtectionHandler.ReopenMargin.TotalSeconds },
        { "templates/README.md", @"at most ([\d,]+) requests per sliding \d+ minutes", ServiceProtectionHandler.RequestsPerWindow },
        { "templates/README.md", @"at most [\d,]+ requests per sliding (\d+) minutes", ServiceProtectionHandler.Window.TotalMinutes },
        { "templates/README.md", @"margin\) and (\d+) in flight", ServiceProtectionHandler.MaxConcurrency },

        // The budget shared by the hosts (README, "Running several hosts").
        { "README.md", @"permits there \(([\d,]+) requests per sliding", ServiceProtectionHandler.RequestsPerWindow },
        { "README.md", @"blocks of at most (\d+) requests", ServiceProtectionHandler.BlockSize(ServiceProtectionHandler.RequestsPerWindow) },
        { "README.md", @"usable for at most\s+(\d+) s;", SharedRateLimitRules.BlockLifetime(ServiceProtectionHandler.Window).TotalSeconds },
        { "README.md", @"answered as a local 429 held for (\d+) s", ServiceProtectionHandler.UnavailableWait.TotalSeconds },
        { "README.md", @"at most (\d+) of a user's requests in flight", ServiceProtectionHandler.MaxConcurrency },
    };

    [Theory]
    [MemberData(nameof(Figures))]
    public void Each_documented_pacing_figure_is_the_code_default(string document, string pattern, double expected)
        => DocFigures.AssertEach(document, pattern, expected);
}
