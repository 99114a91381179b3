using System.Globalization;
using System.Text.RegularExpressions;

namespace TriggerPlugins.Tests.Shared;

/// <summary>Checks a figure a document states (README, docs) against the code default it comes from.</summary>
public static class DocFigures
{
    /// <summary>
    /// Every match of <paramref name="pattern"/> in <paramref name="document"/> (a path under the repository root)
    /// holds <paramref name="expected"/> in its first group; at least one match must exist.
    /// </summary>
    public static void AssertEach(string document, string pattern, double expected)
    {
        var text = File.ReadAllText(RepositoryRoot.Combine(document));

        var matches = Regex.Matches(text, pattern);

        Assert.True(matches.Count > 0, $"{document} no longer says /{pattern}/: update the doc and this test together.");
        Assert.All(matches, m => Assert.Equal(expected, double.Parse(m.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture)));
    }
}
