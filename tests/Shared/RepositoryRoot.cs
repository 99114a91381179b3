namespace TriggerPlugins.Tests.Shared;

/// <summary>
/// The repository's root folder (the one holding TriggerPlugins.sln), found from the test's output folder, so tests
/// read the README, docs and samples the user reads rather than copies.
/// </summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>A path under the root, e.g. <c>RepositoryRoot.Combine("samples", "config")</c>.</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "TriggerPlugins.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"TriggerPlugins.sln not found above the test folder {AppContext.BaseDirectory}: run the tests from a clone of the repository.");
    }
}
