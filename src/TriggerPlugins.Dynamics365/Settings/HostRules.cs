using System.Net;

namespace TriggerPlugins.Dynamics365.Settings;

/// <summary>Which hosts an account may point at.</summary>
internal static class HostRules
{
    // Dataverse environments live under these domains (public cloud, US government clouds, China).
    private static readonly string[] DynamicsDomains =
    [
        ".dynamics.com", ".crm.microsoftdynamics.us", ".crm.appsplatform.us", ".crm.dynamics.cn",
    ];

    // Azure AD token endpoints of the public and sovereign clouds.
    private static readonly string[] AzureAdHosts =
    [
        "login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn",
    ];

    /// <summary>True for localhost and the loopback addresses (127.0.0.0/8, ::1): the emulator.</summary>
    public static bool IsLoopback(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    public static bool IsDynamicsHost(string host)
        => DynamicsDomains.Any(domain => host.EndsWith(domain, StringComparison.OrdinalIgnoreCase) && host.Length > domain.Length);

    public static bool IsAzureAdHost(string host)
        => AzureAdHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the URI is the bare root of a site (no path, query or fragment).</summary>
    public static bool IsRoot(Uri uri)
        => uri.AbsolutePath is "/" or "" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment);
}
