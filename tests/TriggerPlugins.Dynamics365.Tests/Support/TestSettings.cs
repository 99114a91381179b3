using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Dynamics365.Tests.Support;

/// <summary>Builds accounts and configurations as the host would pass them.</summary>
public static class TestSettings
{
    public const string ClientId = "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20";
    public const string TenantId = "7f3c2a9e-5b1d-4c8e-9a6f-2d4b8e1c0a53";
    public const string Secret = "demo-secret-not-for-production";

    /// <summary>The plugin folder the build laid out next to the tests (plugins/dynamics365).</summary>
    public static string PluginDirectory => Path.Combine(AppContext.BaseDirectory, "plugins", "dynamics365");

    public static JsonObject Account(Action<JsonObject>? change = null)
    {
        var account = new JsonObject
        {
            ["plugin"] = "dynamics365",
            ["authMode"] = "clientCredentials",
            ["clientId"] = ClientId,
            ["tenantId"] = TenantId,
            ["clientSecret"] = Secret,
            ["weburl"] = "https://contoso.crm4.dynamics.com/",
        };
        change?.Invoke(account);
        return account;
    }

    public static JsonObject Configuration(Action<JsonObject>? change = null)
    {
        var configuration = new JsonObject
        {
            ["plugin"] = "dynamics365",
            ["defaultCountry"] = "IT",
            ["timeZone"] = "Europe/Rome",
        };
        change?.Invoke(configuration);
        return configuration;
    }

    public static ActionSettings Settings(JsonObject? account = null, JsonObject? configuration = null, string? baseDirectory = null) => new()
    {
        AccountName = "contoso",
        Account = ToElement(account ?? Account()),
        AccountSource = "accounts/contoso.json",
        ConfigurationName = "tickets",
        Configuration = ToElement(configuration ?? Configuration()),
        ConfigurationSource = "configurations/tickets.json",
        BaseDirectory = baseDirectory ?? AppContext.BaseDirectory,
    };

    public static ActionRequest Request(CallEvent call, ActionSettings? settings = null, string deliveryId = "delivery-1") => new()
    {
        Call = call,
        Settings = settings ?? Settings(),
        DeliveryId = deliveryId,
    };

    public static Dynamics365Action CreateAction(TimeProvider? time = null)
        => new(new PluginContext(PluginDirectory, NullLoggerFactory.Instance, time));

    private static JsonElement ToElement(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
}
