using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TriggerPlugins.DataverseEmulator.Hosting;

/// <summary>
/// The emulator's TLS certificate: self-signed, made at start, valid for 127.0.0.1, ::1 and localhost.
/// Clients trust it only by pinning its SHA-256 thumbprint, never by turning certificate validation off.
/// </summary>
internal static class EmulatorCertificate
{
    public static X509Certificate2 Create(TimeProvider clock)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=TriggerPlugins Dataverse Emulator", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = clock.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(30));
        // Re-import through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    public static string ThumbprintOf(X509Certificate certificate) =>
        certificate.GetCertHashString(HashAlgorithmName.SHA256).ToUpperInvariant();

    /// <summary>
    /// Accepts the server certificate only if it is the pinned one and nothing but its (self-signed) chain is wrong:
    /// a host name mismatch is still refused.
    /// </summary>
    public static bool IsPinned(X509Certificate? certificate, SslPolicyErrors errors, string thumbprint) =>
        certificate is not null
        && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
        && string.Equals(ThumbprintOf(certificate), thumbprint, StringComparison.OrdinalIgnoreCase);
}
