using System.Text.RegularExpressions;

namespace TriggerPlugins.Host.Tests;

/// <summary>
/// Issue 17: the host's feature namespaces depend on each other one way (Configuration holds Triggers, never the
/// reverse; the JSON kit depends on none). Read from the sources: a <c>using</c> line or a qualified name is a use.
/// The root namespace is left out: it holds only the <c>Log</c> class, which every feature reaches by nesting.
/// </summary>
public sealed partial class NamespaceDependencyTests
{
    private const string Root = "TriggerPlugins.Host";

    [Fact]
    public void The_feature_namespaces_of_the_host_have_no_cycle()
    {
        var uses = Uses();

        Assert.Contains("Triggers", uses["Configuration"]);
        Assert.DoesNotContain("Configuration", uses["Triggers"]);
        Assert.Empty(uses["Json"]);
        Assert.Null(FindCycle(uses));
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle()
    {
        var uses = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = [],
        };

        Assert.Equal("A -> B -> C -> A", FindCycle(uses));
    }

    private static Dictionary<string, HashSet<string>> Uses()
    {
        var source = TriggerPlugins.Tests.Shared.RepositoryRoot.Combine("src", Root);
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            var text = File.ReadAllText(file);
            if (FeatureNamespace().Match(text) is not { Success: true } declared)
            {
                continue;
            }

            var feature = declared.Groups["feature"].Value;
            var used = uses.TryGetValue(feature, out var set) ? set : uses[feature] = [];
            foreach (Match reference in Reference().Matches(text))
            {
                if (reference.Groups["feature"].Value is var other && other != feature)
                {
                    used.Add(other);
                }
            }
        }

        Assert.True(uses.Count >= 6, $"only {uses.Count} feature namespaces found under {source}");
        return uses;
    }

    // Depth-first search; returns the first cycle as "A -> B -> A", or null.
    private static string? FindCycle(Dictionary<string, HashSet<string>> uses)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();

        string? Visit(string node)
        {
            if (path.IndexOf(node) is var at and >= 0)
            {
                return string.Join(" -> ", path.Skip(at).Append(node));
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in uses.GetValueOrDefault(node, []).Order(StringComparer.Ordinal))
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return uses.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(c => c is not null);
    }

    [GeneratedRegex(@"^namespace TriggerPlugins\.Host\.(?<feature>\w+)", RegexOptions.Multiline)]
    private static partial Regex FeatureNamespace();

    [GeneratedRegex(@"\bTriggerPlugins\.Host\.(?<feature>\w+)\b")]
    private static partial Regex Reference();
}
