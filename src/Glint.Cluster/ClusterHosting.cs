using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Glint.Cluster;

/// <summary>The Orleans settings every member and client of a Glint cluster shares.</summary>
internal static class ClusterHosting
{
    /// <summary>Membership that notices a killed executor within a few seconds (Orleans' defaults take about a minute).</summary>
    public static void FastMembership(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        o.DefunctSiloExpiration = TimeSpan.FromMinutes(10);
        o.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(10);
    }

    public static void Common(IServiceCollection services, ClusterOptions cluster)
    {
        services.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ClusterId = cluster.Name;
            o.ServiceId = ClusterOptions.ServiceId;
        });
        services.Configure<ClusterMembershipOptions>(FastMembership);
    }

    /// <summary>Mutual TLS with the cluster's secret certificate, pinned: a peer presenting any other certificate is refused.</summary>
    public static void Tls(ISiloBuilder silo, ClusterOptions cluster)
    {
        if (cluster.Secret is not { } path) return;
        var certificate = ClusterSecret.Load(path);
        silo.UseTls(certificate, o => Pin(o, certificate));
    }

    public static void Tls(IClientBuilder client, ClusterOptions cluster)
    {
        if (cluster.Secret is not { } path) return;
        var certificate = ClusterSecret.Load(path);
        client.UseTls(certificate, o => Pin(o, certificate));
    }

    private static void Pin(Orleans.Connections.Security.TlsOptions options, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        options.RemoteCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => remote is not null && remote.Thumbprint == certificate.Thumbprint;
        options.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = ClusterSecret.HostName;
    }

    /// <summary>Orleans logs warnings and errors only, to standard error, so a driver's terminal output stays its own.</summary>
    public static void Quiet(ILoggingBuilder logging, LogLevel level = LogLevel.Warning)
    {
        logging.ClearProviders();
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(level);
        // Its participant check misreads a process that just started as stalled for minutes.
        logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
    }

}
