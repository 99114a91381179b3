using System.Text.Json;
using TriggerPlugins.Abstractions;

namespace TriggerPlugins.Abstractions.Tests;

public sealed class ActionSettingsTests
{
    [Fact]
    public void ToString_names_the_account_and_configuration_but_never_their_settings()
    {
        var settings = new ActionSettings
        {
            AccountName = "contoso",
            Account = JsonDocument.Parse("""{ "clientId": "2b8f6c1e", "clientSecret": "demo-secret-not-for-production", "password": "Demo-Password-1" }""").RootElement,
            ConfigurationName = "support-tickets",
            Configuration = JsonDocument.Parse("""{ "title": "Call from {{ call.callerNumber }}" }""").RootElement,
        };

        var text = settings.ToString();

        Assert.Equal("account 'contoso', configuration 'support-tickets'", text);
        Assert.DoesNotContain("demo-secret-not-for-production", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Demo-Password-1", text, StringComparison.Ordinal);
    }
}
