namespace TriggerPlugins.Dynamics365.Tests.Support;

/// <summary>Ids of the demo seed (samples/emulator/seed.json) that plugin tests assert on.</summary>
internal static class DemoTenant
{
    public const string Api = "/api/data/v9.2";
    public const string MotionIntegration = "319ccd03-516d-51bb-bd1b-15451e201de6";
    public const string AliceRossi = "53cf33dc-050a-5b58-b0c1-d1989f1c67c8";
    public const string ElenaRussoEnabled = "9c4a6e8b-1d3f-5a7c-b9e1-f2a4c6e8b0d2";
}
