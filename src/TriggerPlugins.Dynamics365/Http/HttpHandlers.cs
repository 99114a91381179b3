using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TriggerPlugins.Dynamics365.Settings;

namespace TriggerPlugins.Dynamics365.Http;

/// <summary>
/// The plugin's connection pools: one shared handler checked by the system's trust store, and, only for
/// the emulator, one handler per pinned certificate. A pinned handler never serves a connection it did
/// not validate itself (pools are per handler), and accepts the pin only from a loopback host.
/// </summary>
internal sealed class HttpHandlers : IDisposable
{
    private readonly SocketsHttpHandler _shared = Create(null);
    private readonly ConcurrentDictionary<string, SocketsHttpHandler> _pinned = new(StringComparer.Ordinal);

    /// <summary>The handler for an account: pinned when it names a thumbprint (validation allows that only for loopback hosts).</summary>
    public HttpMessageHandler For(string? pinnedThumbprint)
        => pinnedThumbprint is null ? _shared : _pinned.GetOrAdd(pinnedThumbprint, Create);

    public void Dispose()
    {
        _shared.Dispose();
        foreach (var handler in _pinned.Values)
        {
            handler.Dispose();
        }
    }

    private static SocketsHttpHandler Create(string? pinnedThumbprint)
    {
        var handler = new SocketsHttpHandler
        {
            // Recycle connections so DNS changes (Dataverse moves environments between scale units) are seen.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            // Concurrency per Dynamics user is capped by its ServiceProtectionHandler (16, under the documented 52); the pool,
            // shared by every user and account, has room for all of them, so a request let through is sent at once.
            MaxConnectionsPerServer = 256,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (pinnedThumbprint is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, _, errors)
                => errors == SslPolicyErrors.None || MatchesPin(sender, certificate, pinnedThumbprint);
        }

        return handler;
    }

    private static bool MatchesPin(object sender, X509Certificate? certificate, string pinnedThumbprint)
    {
        if (certificate is null || sender is not SslStream { TargetHostName: { Length: > 0 } host } || !HostRules.IsLoopback(host))
        {
            return false;
        }

        var actual = Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));
        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(actual), System.Text.Encoding.ASCII.GetBytes(pinnedThumbprint));
    }
}
