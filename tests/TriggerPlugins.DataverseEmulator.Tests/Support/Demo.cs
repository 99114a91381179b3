namespace TriggerPlugins.DataverseEmulator.Tests.Support;

/// <summary>The demo tenant of samples/emulator/seed.json (shared facts of the project).</summary>
internal static class Demo
{
    public const string TenantId = "7f3c2a9e-5b1d-4c8e-9a6f-2d4b8e1c0a53";
    public const string Domain = "contoso.onmicrosoft.com";
    public const string ClientId = "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20";
    public const string ClientSecret = "demo-secret-not-for-production";
    public const string ExpiredClientId = "0c5d7e9f-1a2b-4c3d-8e4f-6a7b8c9d0e1f";
    public const string ExpiredSecret = "expired-secret";
    public const string UnconsentedClientId = "4e6f8a0b-2c3d-4e5f-9a7b-1c2d3e4f5a6b";
    public const string UnconsentedSecret = "unconsented-secret";
    public const string Username = "motion@contoso.onmicrosoft.com";
    public const string Password = "Demo-Password-1";
    public const string MfaUsername = "mfa.user@contoso.onmicrosoft.com";
    public const string MfaPassword = "Mfa-Password-1";
}
