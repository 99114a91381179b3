using Microsoft.Playwright;

namespace TriggerPlugins.Admin.Tests;

/// <summary>
/// One Chromium for the browser tests: Debian's (<c>/usr/bin/chromium</c>, or <c>TRIGGERS_CHROMIUM</c>), driven by
/// Playwright, so nothing is downloaded. <c>.ci/run</c> installs the <c>chromium</c> package when it is missing.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static string ChromiumPath => Environment.GetEnvironmentVariable("TRIGGERS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where a failing test leaves its screenshot.</summary>
    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>When set (e.g. to docs/admin), the tests also save a screenshot of each page there for the README.</summary>
    public static string? DocsScreenshotDirectory => Environment.GetEnvironmentVariable("TRIGGERS_ADMIN_DOCS_SCREENSHOTS");

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium not found at {ChromiumPath}: install it (apt-get install -y chromium; .ci/run does) or set TRIGGERS_CHROMIUM to its path.");
        }

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Args = ["--no-sandbox"], Headless = true });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}
