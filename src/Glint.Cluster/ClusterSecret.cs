using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Glint.Common;

namespace Glint.Cluster;

/// <summary>
/// A cluster's secret: a self-signed certificate (PKCS#12 file) that every member and driver holds.
/// Connections between them are TLS with both sides presenting it, and a side whose certificate is
/// not this one is refused — so only holders of the file can join the cluster or send it SQL.
/// </summary>
public static class ClusterSecret
{
    /// <summary>The environment variable naming the secret file when --secret is not given.</summary>
    public const string Variable = "GLINT_CLUSTER_SECRET";

    /// <summary>The TLS host name members present; the certificate is pinned, so the name only has to match itself.</summary>
    public const string HostName = "glint-cluster";

    public static void Create(string path, string cluster)
    {
        using var key = RSA.Create(3072);
        var request = new CertificateRequest($"CN={HostName}, O=glint cluster {cluster}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(HostName);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public static X509Certificate2 Load(string path)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, null);
            return certificate.HasPrivateKey ? certificate : throw new ConfigException("--secret", $"cluster secret {path} holds no private key");
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigException("--secret", $"cannot read the cluster secret {path}: {e.Message} (create one with glint cluster secret --out {path})");
        }
    }
}
