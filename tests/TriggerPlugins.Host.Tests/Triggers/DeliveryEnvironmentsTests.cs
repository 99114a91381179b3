using TriggerPlugins.Host.Configuration;
using TriggerPlugins.Host.Plugins;
using TriggerPlugins.Host.Tests.TestDoubles;
using TriggerPlugins.Host.Triggers;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Host.Tests.Triggers;

/// <summary>"Already delivered" holds only for the environment it was delivered to (issue 14, item 3).</summary>
public sealed class DeliveryEnvironmentsTests
{
    private static readonly string Root = RepositoryRoot.Path;

    [Fact]
    public void The_dynamics_manifest_names_the_web_url_and_the_emulator_certificate_as_the_environment()
    {
        Assert.Equal(["weburl", "trustedCertificateThumbprint"], Manifest().EnvironmentFields);
    }

    [Theory]
    [InlineData("https://127.0.0.1:5443/", "BBBB", false)] // the emulator restarted: same address, new certificate, new empty tenant
    [InlineData("https://other.crm4.dynamics.com/", "AAAA", false)] // the account points at another environment
    [InlineData("https://127.0.0.1:5443", "aaaa", true)] // the same environment written differently
    public void The_delivery_id_changes_with_the_environment_and_only_with_it(string webUrl, string thumbprint, bool same)
    {
        var before = PlannedIds("https://127.0.0.1:5443/", "AAAA");
        var after = PlannedIds(webUrl, thumbprint);

        Assert.NotEmpty(before);
        Assert.Equal(same, before.SequenceEqual(after));
    }

    [Fact]
    public void A_manifest_environment_field_must_be_an_account_field()
    {
        var json = File.ReadAllText(Path.Combine(Root, "plugin-manifest", "dynamics365.json"))
            .Replace("\"trustedCertificateThumbprint\" ]", "\"webUrl\" ]", StringComparison.Ordinal);

        Assert.False(PluginManifestReader.TryParse(json, "plugin.json", out _, out var problems));
        Assert.Contains(problems, p => p.Field == "environmentFields[1]" && p.Message.Contains("'webUrl' is not one of accountFields", StringComparison.Ordinal));
    }

    private static PluginManifest Manifest()
    {
        Assert.True(PluginManifestReader.TryParse(File.ReadAllText(Path.Combine(Root, "plugin-manifest", "dynamics365.json")), "plugin.json", out var manifest, out var problems), string.Join('\n', problems));
        return manifest;
    }

    private static string[] PlannedIds(string webUrl, string thumbprint)
    {
        var configuration = ConfigurationLoader.Load(
            Path.Combine(Root, "samples", "config"),
            new DictionaryActionRegistry(new ScriptedAction()),
            name => name switch
            {
                "TRIGGERS_EMULATOR_URL" => webUrl,
                "TRIGGERS_EMULATOR_THUMBPRINT" => thumbprint,
                _ => null,
            });
        var engine = new TriggerEngine(configuration.Triggers, environmentOf: DeliveryEnvironments.From(configuration, [Manifest()]));
        return [.. engine.Match(Calls.Answered("call-env")).Select(p => p.DeliveryId)];
    }
}
