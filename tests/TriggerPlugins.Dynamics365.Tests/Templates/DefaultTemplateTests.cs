using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Templates;

/// <summary>The default title and description, rendered on sample calls, against reviewed golden files.</summary>
public sealed class DefaultTemplateTests
{
    public static TheoryData<string> Calls => ["inbound", "outbound", "abandoned", "unicode", "minimal"];

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Default_templates_render_the_golden_title_and_description(string name)
    {
        await using var action = TestSettings.CreateAction();
        var preview = await action.PreviewAsync(TestSettings.Request(Call(name)), CancellationToken.None);

        var expected = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Golden", $"{name}.txt"));
        var actual = $"{preview.Fields["title"]}\n---\n{preview.Fields["description"]}\n";
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") is { Length: > 0 } sourceFolder && expected.ReplaceLineEndings("\n") != actual)
        {
            // Review the diff of the rewritten file before committing it; the test still fails this run.
            await File.WriteAllTextAsync(Path.Combine(sourceFolder, $"{name}.txt"), actual);
        }

        Assert.Equal(expected.ReplaceLineEndings("\n"), actual);
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Default_title_fits_on_one_line_within_Dataverse_limits(string name)
    {
        await using var action = TestSettings.CreateAction();
        var preview = await action.PreviewAsync(TestSettings.Request(Call(name)), CancellationToken.None);

        Assert.DoesNotContain('\n', preview.Fields["title"]);
        Assert.InRange(preview.Fields["title"].Length, 1, 200);
        Assert.InRange(preview.Fields["description"].Length, 1, 2000);
    }

    [Fact]
    public async Task The_default_description_never_fails_on_many_variables_and_says_what_it_left_out()
    {
        await using var action = TestSettings.CreateAction();
        var call = SampleCalls.Inbound with { Variables = Enumerable.Range(0, 1001).ToDictionary(i => $"v{i:D4}", i => $"value {i}") };

        var preview = await action.PreviewAsync(TestSettings.Request(call), CancellationToken.None);

        var description = preview.Fields["description"];
        Assert.Contains("- v0000: value 0", description, StringComparison.Ordinal);
        Assert.DoesNotContain("v0050", description, StringComparison.Ordinal);
        Assert.Contains("- ... and 951 more (not listed)", description, StringComparison.Ordinal);
    }

    internal static CallEvent Call(string name) => name switch
    {
        "inbound" => SampleCalls.Inbound,
        "outbound" => SampleCalls.Outbound,
        "abandoned" => SampleCalls.Abandoned,
        "unicode" => SampleCalls.Unicode,
        "minimal" => SampleCalls.Minimal,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
