namespace TriggerPlugins.Host.Tests.TestDoubles;

/// <summary>A config folder in a temporary directory, written file by file, deleted on dispose.</summary>
public sealed class ConfigFolder : IDisposable
{
    public ConfigFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "triggerplugins-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public const string DemoAccount = """{ "plugin": "dynamics365", "clientId": "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20", "clientSecret": "demo-secret-not-for-production" }""";

    public const string DefaultConfiguration = """{ "plugin": "dynamics365" }""";

    /// <summary>A folder with account "contoso", configuration "default" and the given triggers.</summary>
    public static ConfigFolder WithTriggers(params (string Name, string Json)[] triggers)
    {
        var folder = new ConfigFolder().Account("contoso", DemoAccount).Configuration("default", DefaultConfiguration);
        foreach (var (name, json) in triggers)
        {
            folder.Trigger(name, json);
        }

        return folder;
    }

    public ConfigFolder Account(string name, string json) => Write($"accounts/{name}.json", json);

    public ConfigFolder Configuration(string name, string json) => Write($"configurations/{name}.json", json);

    public ConfigFolder Trigger(string name, string json) => Write($"triggers/{name}.json", json);

    public ConfigFolder Write(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return this;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test for it is not.
        }
    }
}
