using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace TriggerPlugins.Storage.PostgreSql.Tests;

/// <summary>
/// A throwaway PostgreSQL 15 cluster for the tests: <c>initdb</c> in a temp folder, <c>pg_ctl start</c> on a free
/// loopback port (no TCP outside 127.0.0.1, the Unix socket in the same folder), stopped and deleted on dispose.
/// PostgreSQL refuses to run as root, so under root every server command runs as the unprivileged <c>postgres</c>
/// OS user (<c>runuser -u postgres --</c>). Each test takes a fresh database of its own (<see cref="CreateDatabaseAsync"/>).
/// Free of xunit, so the benchmarks start their database with it too.
/// </summary>
public sealed class PostgreSqlCluster : IAsyncDisposable
{
    /// <summary>Where Debian's <c>postgresql-15</c> package puts the server programs (.ci/run installs it).</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private const string SuperUser = "triggers_admin";
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private string _folder = string.Empty;
    private int _databases;

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The superuser's connection string to the <c>postgres</c> database (trust authentication, loopback only).</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    private static bool RunningAsRoot => Environment.UserName == "root";

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>Creates and starts the cluster.</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinDirectory}/initdb is missing): run 'apt-get install postgresql', as .ci/run does.");
        }

        _folder = Path.Combine(Path.GetTempPath(), $"triggerplugins-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
        if (RunningAsRoot)
        {
            await RunAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", _folder], asServiceUser: false);
        }

        await RunAsync(Path.Combine(BinDirectory, "initdb"), ["-D", DataFolder, "-U", SuperUser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], asServiceUser: true);
        Port = FreeLoopbackPort();
        var serverOptions = $"-c listen_addresses=127.0.0.1 -p {Port} -k {_folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-o", serverOptions, "-w", "-t", "60", "start"], asServiceUser: true);
    }

    /// <summary>Stops the cluster (immediate mode: nothing to keep) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_folder.Length == 0 || !Directory.Exists(_folder))
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "-t", "60", "stop"], asServiceUser: true);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>The connection string to <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = SuperUser,
        Pooling = true,
    }.ToString();

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asServiceUser)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServiceUser && RunningAsRoot)
        {
            info.FileName = "runuser";
            foreach (var argument in (string[])["-u", ServiceUser, "--", program])
            {
                info.ArgumentList.Add(argument);
            }
        }
        else
        {
            info.FileName = program;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }
}
