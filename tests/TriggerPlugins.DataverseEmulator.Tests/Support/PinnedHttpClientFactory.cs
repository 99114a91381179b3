using Microsoft.Identity.Client;

namespace TriggerPlugins.DataverseEmulator.Tests.Support;

/// <summary>MSAL's HTTP client, trusting the emulator by its certificate thumbprint only.</summary>
internal sealed class PinnedHttpClientFactory(DataverseEmulator emulator) : IMsalHttpClientFactory
{
    private readonly HttpClient _client = new(emulator.CreateHttpMessageHandler());

    public HttpClient GetHttpClient() => _client;
}
