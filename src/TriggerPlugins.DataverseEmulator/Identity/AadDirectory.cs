using System.Security.Cryptography;
using System.Text;

namespace TriggerPlugins.DataverseEmulator.Identity;

/// <summary>The Azure AD tenants of the seed, looked up by id or domain.</summary>
internal sealed class AadDirectory
{
    private readonly List<SeedTenant> _tenants;

    public AadDirectory(IEnumerable<SeedTenant> tenants)
    {
        _tenants = [.. tenants];
    }

    public IReadOnlyList<SeedTenant> Tenants => _tenants;

    /// <summary>The tenant named in an authority path segment: its id or one of its domains (case-insensitive).</summary>
    public SeedTenant? FindTenant(string segment) =>
        Guid.TryParse(segment, out var id)
            ? _tenants.Find(t => t.TenantId == id)
            : _tenants.Find(t => t.Domains.Any(d => string.Equals(d, segment, StringComparison.OrdinalIgnoreCase)));

    public SeedTenant? FindTenantOfUser(string username)
    {
        var at = username.LastIndexOf('@');
        return at < 0 ? null : FindTenant(username[(at + 1)..]);
    }

    public static SeedApplication? FindApplication(SeedTenant tenant, string clientId) =>
        Guid.TryParse(clientId, out var id) ? tenant.Applications.FirstOrDefault(a => a.ClientId == id) : null;

    public static SeedUser? FindUser(SeedTenant tenant, string username) =>
        tenant.Users.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));

    /// <summary>A user's object id: the seeded one, else a stable id derived from the user name.</summary>
    public static Guid ObjectIdOf(SeedUser user) =>
        user.ObjectId ?? new Guid(MD5Hash(user.Username.ToUpperInvariant()));

    /// <summary>An application's service principal object id, stable for the client id.</summary>
    public static Guid ServicePrincipalIdOf(SeedApplication application) => new(MD5Hash("sp:" + application.ClientId.ToString("D")));

    // MD5 is used only to derive stable, non-secret identifiers, never for security.
#pragma warning disable CA5351
    private static byte[] MD5Hash(string text) => MD5.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5351
}
