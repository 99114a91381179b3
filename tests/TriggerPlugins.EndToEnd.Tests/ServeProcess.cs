using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using TriggerPlugins.Tests.Shared;

namespace TriggerPlugins.EndToEnd.Tests;

/// <summary>A real `triggers serve` child process on a loopback port, with an HTTP client holding its API key.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    public const string Key = "e2e-key-0123456789";

    private readonly StringBuilder _log = new();

    private ServeProcess(Process process, Uri address)
    {
        Process = process;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public HttpClient Client { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string[] Arguments(string data, int port, params string[] more) => ArgumentsWith(Path.Combine(TriggersProcess.SamplesDirectory, "config"), data, port, more);

    private static string[] ArgumentsWith(string config, string data, int port, string[] more) =>
    [
        "serve", "--config", config, "--data", data,
        "--urls", $"http://127.0.0.1:{port}", "--retry-base-delay", "500ms", "--retry-max-delay", "5s", "--grace-period", "5s", .. more,
    ];

    /// <summary>Starts `triggers serve` on the sample config folder (with <paramref name="more"/> options) and waits (bounded) until /healthz answers.</summary>
    public static Task<ServeProcess> StartAsync(string data, int port, IReadOnlyDictionary<string, string> environment, params string[] more)
        => StartAsync(data, Path.Combine(TriggersProcess.SamplesDirectory, "config"), port, environment, more);

    /// <summary>Starts `triggers serve` on the config folder <paramref name="config"/> and waits (bounded) until /healthz answers.</summary>
    public static async Task<ServeProcess> StartAsync(string data, string config, int port, IReadOnlyDictionary<string, string> environment, params string[] more)
    {
        var env = new Dictionary<string, string>(environment) { ["TRIGGERS_API_KEY"] = Key };
        var process = Process.Start(TriggersProcess.StartInfo(ArgumentsWith(config, data, port, more), env))!;
        process.StandardInput.Close();
        var serve = new ServeProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"triggers serve exited with {process.ExitCode} before it was up:\n{serve.Log}");
            }

            try
            {
                using var health = await serve.Client.GetAsync("/healthz");
                if (health.IsSuccessStatusCode)
                {
                    return serve;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"triggers serve did not answer /healthz in time:\n{serve.Log}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Posts NDJSON; returns the status code, or null when the connection failed (the process is gone).</summary>
    public async Task<HttpStatusCode?> PostAsync(string ndjson)
    {
        try
        {
            using var response = await Client.PostAsync("/api/v1/events", new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson"));
            return response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }

    public async Task<int> CountAsync(string status)
    {
        var json = await Client.GetStringAsync($"/api/v1/deliveries?status={status}&limit=1000");
        return System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("count").GetInt32();
    }

    /// <summary>
    /// How many deliveries are in each status ("pending", "in-flight", ...), from one listing of up to 1000: one
    /// snapshot, where a count per status in separate requests can count a delivery that moves between them twice.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByStatusAsync()
    {
        var json = await Client.GetStringAsync("/api/v1/deliveries?limit=1000");
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.GetProperty("deliveries").EnumerateArray()
            .GroupBy(d => d.GetProperty("status").GetString() ?? string.Empty, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    /// <summary>Sends SIGTERM and waits (bounded) for the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Process.WaitForExitAsync(timeout.Token);
        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
