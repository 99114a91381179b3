using System.Net.Http.Headers;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.Server.Tests;

[CollectionDefinition(Name)]
public sealed class ServerTestGroup : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}

/// <summary>
/// One emulator for the server tests; the sample accounts read its address from the process environment, so the tests
/// of this collection run one after the other.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string Key = "test-key-0123456789";

    private readonly EmulatorFixture _emulator = new();

    public DataverseEmulator.DataverseEmulator Emulator => _emulator.Emulator;

    public async Task InitializeAsync()
    {
        await _emulator.InitializeAsync();
        foreach (var (name, value) in _emulator.Environment)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public Task DisposeAsync() => _emulator.DisposeAsync();

    /// <summary>Starts a server on a free loopback port over <paramref name="config"/> (default: the samples) and a new data folder.</summary>
    public static async Task<RunningServer> StartAsync(string? config = null, string? data = null, bool anonymous = false, string? key = Key, Action<ServerOptionsBuilder>? configure = null)
    {
        var builder = new ServerOptionsBuilder
        {
            Config = config ?? Path.Combine(TriggersProcess.SamplesDirectory, "config"),
            Data = data ?? NewFolder(),
            Anonymous = anonymous,
            Key = key,
        };
        configure?.Invoke(builder);
        var server = await TriggersServer.CreateAsync(builder.Build());
        await server.App.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(server.App.Urls.First()) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return new RunningServer(server, client, builder.Data);
    }

    public static string NewFolder() => Path.Combine(Path.GetTempPath(), "triggers-server-tests", Guid.NewGuid().ToString("N"));
}

public sealed class ServerOptionsBuilder
{
    public required string Config { get; set; }

    public required string Data { get; set; }

    public bool Anonymous { get; set; }

    public string? Key { get; set; }

    public long MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    public int MaxEventsPerRequest { get; set; } = 1000;

    public int MaxLineLength { get; set; } = 64 * 1024;

    public ServerOptions Build() => new()
    {
        ConfigDirectory = Config,
        DataDirectory = Data,
        PluginsDirectory = Path.Combine(AppContext.BaseDirectory, "plugins"),
        Urls = "http://127.0.0.1:0",
        EnvironmentApiKey = Key,
        AllowAnonymousLoopback = Anonymous,
        MaxBodyBytes = MaxBodyBytes,
        MaxEventsPerRequest = MaxEventsPerRequest,
        MaxLineLength = MaxLineLength,
        ReloadDelay = TimeSpan.FromMilliseconds(100),
    };
}

public sealed record RunningServer(TriggersServer Server, HttpClient Client, string Data) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.App.StopAsync();
        await Server.DisposeAsync();
    }
}
