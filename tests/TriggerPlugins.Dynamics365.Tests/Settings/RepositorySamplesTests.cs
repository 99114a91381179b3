using System.Text.Json.Nodes;
using TriggerPlugins.Dynamics365.Tests.Support;

namespace TriggerPlugins.Dynamics365.Tests.Settings;

/// <summary>The repository's sample accounts and configurations (samples/config) are valid for this plugin.</summary>
public sealed class RepositorySamplesTests
{
    private static readonly string ConfigFolder = Path.Combine(RepositoryRoot(), "samples", "config");

    public static TheoryData<string> Accounts => [.. Files("accounts")];

    public static TheoryData<string> Configurations => [.. Files("configurations")];

    [Theory]
    [MemberData(nameof(Accounts))]
    public async Task Each_sample_account_is_valid(string file)
    {
        await using var action = TestSettings.CreateAction();
        var report = action.Validate(TestSettings.Settings(account: Read(file)));
        Assert.True(report.IsValid, string.Join("\n", report.Problems));
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task Each_sample_configuration_is_valid_and_strict_clean(string file)
    {
        await using var action = TestSettings.CreateAction();
        var report = action.Validate(TestSettings.Settings(configuration: Read(file), baseDirectory: ConfigFolder));
        Assert.Empty(report.Problems);
    }

    private static JsonObject Read(string relative) => JsonNode.Parse(File.ReadAllText(Path.Combine(ConfigFolder, relative)))!.AsObject();

    private static IEnumerable<string> Files(string folder)
        => Directory.GetFiles(Path.Combine(ConfigFolder, folder), "*.json")
            .Where(f => JsonNode.Parse(File.ReadAllText(f))?["plugin"]?.GetValue<string>() == "dynamics365")
            .Select(f => Path.Combine(folder, Path.GetFileName(f)))
            .Order(StringComparer.Ordinal);

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "TriggerPlugins.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (TriggerPlugins.sln) is not above the test output folder.");
    }
}
