namespace TriggerPlugins.Cli.Common;

/// <summary>Where the bundled samples and plugins sit next to the `triggers` executable.</summary>
internal static class SamplePaths
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "samples");

    public static string EmulatorSeed => Path.Combine(Root, "emulator", "seed.json");

    public static string DemoConfig => Path.Combine(Root, "config");

    public static string DemoEvents => Path.Combine(Root, "events", "calls.ndjson");

    public static string Plugins => Path.Combine(AppContext.BaseDirectory, "plugins");
}

/// <summary>The environment variables the demo accounts read the emulator's address and certificate from.</summary>
internal static class DemoEnvironment
{
    public const string WebUrlVariable = "TRIGGERS_EMULATOR_URL";

    public const string ThumbprintVariable = "TRIGGERS_EMULATOR_THUMBPRINT";
}
