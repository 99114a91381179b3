namespace TriggerPlugins.Tests.Shared;

/// <summary>
/// The values of the <c>Category</c> trait. <c>dotnet test TriggerPlugins.sln --filter "Category!=Slow"</c> is the
/// quick loop (README, "The test suite"); CI runs every test.
/// </summary>
public static class TestCategory
{
    /// <summary>
    /// A test that takes real time on purpose: it runs the real <c>triggers</c> process against a running emulator,
    /// drives Chromium, or holds Dynamics down or throttled for as long as its issue requires (the 60 s outage, ten
    /// SIGKILLs in a 2,000-event stream, three PostgreSQL hosts under the documented per-user limits).
    /// </summary>
    public const string Slow = "Slow";
}
