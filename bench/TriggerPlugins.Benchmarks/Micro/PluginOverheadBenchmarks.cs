using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TriggerPlugins.Abstractions;
using TriggerPlugins.Dynamics365.Dataverse;
using TriggerPlugins.Dynamics365.Phones;
using TriggerPlugins.Dynamics365.Settings;
using TriggerPlugins.Dynamics365.Tickets;
using TriggerPlugins.Host.Events;

namespace TriggerPlugins.Benchmarks.Micro;

/// <summary>
/// The plugin's in-process work for one ticket, without the network: settings look-up, rendering the default
/// templates, normalising the caller's number, building and serialising the incident body. Issue #8's target for
/// the whole (<see cref="PerTicket"/>) is under 50 µs and 20 KB allocated.
/// </summary>
[MemoryDiagnoser]
public class PluginOverheadBenchmarks
{
    private const string CallJson = """{"id":"bench-0001","kind":"call-end","direction":"inbound","callerNumber":"0039 06 1234 5678","callerName":"Mario Rossi","calledNumber":"+390699999999","queue":"support","status":"answered","agent":{"id":"1","name":"Alice Rossi","email":"alice.rossi@contoso.com","extension":"1001"},"startTime":"2025-03-14T09:30:00+01:00","answerTime":"2025-03-14T09:30:20+01:00","endTime":"2025-03-14T09:35:00+01:00","holdSeconds":0,"talkSeconds":280,"totalSeconds":300,"recordingReference":"recordings/demo-0001.wav","disposition":"solved","variables":{"lang":"it"}}""";

    private SettingsCache _settings = null!;
    private ActionSettings _actionSettings = null!;
    private TicketConfiguration _configuration = null!;
    private CallEvent _call = null!;
    private RenderedTicket _ticket = null!;
    private readonly Guid _incidentId = IncidentIds.FromDelivery("bench-delivery");
    private readonly CustomerReference _customer = CustomerReference.Existing(Guid.Parse("8d2f3c1e-0000-4000-8000-000000000001"));

    [GlobalSetup]
    public void Setup()
    {
        var pluginDirectory = Path.Combine(AppContext.BaseDirectory, "plugins", "dynamics365");
        using var account = JsonDocument.Parse($$"""
            { "plugin": "dynamics365", "authMode": "clientCredentials", "tenantId": "7f3c2a9e-5b1d-4c8e-9a6f-2d4b8e1c0a53",
              "clientId": "2b8f6c1e-9d4a-4f7b-8e3c-5a1d9b7e4c20", "clientSecret": "demo-secret-not-for-production",
              "weburl": "https://127.0.0.1:5443/", "authorityHost": "https://127.0.0.1:5443/", "trustedCertificateThumbprint": "{{new string('A', 64)}}" }
            """);
        using var configuration = JsonDocument.Parse("""{ "plugin": "dynamics365", "defaultCountry": "IT", "timeZone": "Europe/Rome" }""");
        _actionSettings = new ActionSettings
        {
            AccountName = "contoso",
            Account = account.RootElement.Clone(),
            ConfigurationName = "default",
            Configuration = configuration.RootElement.Clone(),
            BaseDirectory = AppContext.BaseDirectory,
        };
        _settings = new SettingsCache(pluginDirectory);
        var prepared = _settings.Get(_actionSettings, refresh: true);
        _configuration = prepared.Configuration ?? throw new InvalidOperationException(string.Join("; ", prepared.Report.Problems));
        _call = CallEventReader.Parse(CallJson, 1).Event!;
        _ticket = RenderedTicket.Render(_configuration, _call, CancellationToken.None);
    }

    [Benchmark]
    public CallEvent ParseCallEvent() => CallEventReader.Parse(CallJson, 1).Event!;

    [Benchmark]
    public object SettingsLookup() => _settings.Get(_actionSettings, refresh: false);

    [Benchmark]
    public object RenderDefaultTemplates() => RenderedTicket.Render(_configuration, _call, CancellationToken.None);

    [Benchmark]
    public object NormalizePhone() => PhoneNumber.Normalize(_call.CallerNumber, "IT");

    [Benchmark]
    public byte[] IncidentBodyJson() =>
        JsonSerializer.SerializeToUtf8Bytes(IncidentBody.Build(_incidentId, _ticket, _customer, "/systemusers(8d2f3c1e-0000-4000-8000-000000000002)"), DataverseClient.BodyOptions);

    /// <summary>Everything the plugin does for one ticket besides waiting for Dataverse.</summary>
    [Benchmark]
    public byte[] PerTicket()
    {
        var configuration = _settings.Get(_actionSettings, refresh: false).Configuration!;
        var ticket = RenderedTicket.Render(configuration, _call, CancellationToken.None);
        _ = PhoneNumber.Normalize(_call.CallerNumber, configuration.Options.DefaultCountry);
        var body = IncidentBody.Build(IncidentIds.FromDelivery("bench-delivery"), ticket, _customer, "/systemusers(8d2f3c1e-0000-4000-8000-000000000002)");
        return JsonSerializer.SerializeToUtf8Bytes(body, DataverseClient.BodyOptions);
    }
}
