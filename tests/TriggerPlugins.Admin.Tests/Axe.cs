using System.Text.Json;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace TriggerPlugins.Admin.Tests;

/// <summary>
/// axe-core (the copy bundled in Deque.AxeCore.Commons) run inside the page, reporting its serious and critical
/// problems.
/// </summary>
/// <remarks>
/// Deque.AxeCore.Playwright's <c>RunAxe</c> took 2.5 s a page here while <c>axe.run</c> itself took 50–100 ms: it
/// re-sends the 550 KB script to every frame on every call and carries every result node back to .NET. The console's
/// pages have no frames, so the script is sent once per page and only the problems the tests assert on come back.
/// </remarks>
internal static class Axe
{
    private static readonly string Script = new BundledAxeScriptProvider().GetScript();

    // Passes are counted so a test can tell axe ran rules at all (an empty page, or a script that failed to load,
    // would report no violations too).
    private const string Run = """
        async () => {
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return JSON.stringify({
            passes: result.passes.length,
            problems: result.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`),
          });
        }
        """;

    public static async Task<(int Passes, IReadOnlyList<string> Problems)> SeriousProblemsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(Script);
        }

        using var result = JsonDocument.Parse(await page.EvaluateAsync<string>(Run));
        var problems = result.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        return (result.RootElement.GetProperty("passes").GetInt32(), problems);
    }
}
