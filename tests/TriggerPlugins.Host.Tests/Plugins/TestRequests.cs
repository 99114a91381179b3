using System.Text.Json;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Host.Tests.Plugins;

/// <summary>Requests and settings to call loaded plugins with.</summary>
internal static class TestRequests
{
    public static ActionSettings EmptySettings() => new()
    {
        AccountName = "test-account",
        Account = JsonDocument.Parse("{}").RootElement,
        ConfigurationName = "test-configuration",
        Configuration = JsonDocument.Parse("{}").RootElement,
    };

    public static ActionRequest Request(string deliveryId = "delivery-1") => new()
    {
        Call = new CallEvent
        {
            Id = "call-1",
            Kind = CallEventKind.CallEnd,
            Direction = CallDirection.Inbound,
            Status = CallStatus.Answered,
            CallerNumber = "+390612345678",
            StartTime = new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero),
        },
        Settings = EmptySettings(),
        DeliveryId = deliveryId,
    };
}
