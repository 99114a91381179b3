namespace TriggerPlugins.Cli.Tests;

/// <summary>
/// What the sample accounts read with env:, as `triggers emulator` prints it: enough for validation, parsing and
/// rendering, which call no emulator.
/// </summary>
internal static class EmulatorLikeEnvironment
{
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>
    {
        ["TRIGGERS_EMULATOR_URL"] = "https://127.0.0.1:5443/",
        ["TRIGGERS_EMULATOR_THUMBPRINT"] = new string('A', 64),
    };
}
