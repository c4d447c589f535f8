using System.Net;
using Glint.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Glint.Cluster.Executors;

/// <summary>What <c>glint executor</c> was asked for.</summary>
/// <param name="Advertise">the address other members reach this executor at; loopback unless configured</param>
public sealed record ExecutorOptions(ClusterOptions Cluster, string Name, WorkerType WorkerType, int Slots, string WorkFolder,
    IPAddress Advertise, int SiloPort = 0, int GatewayPort = 0);

/// <summary>
/// An executor process: a member (silo) of the Orleans cluster, membership kept in Redis, offering its
/// slots to any driver of the cluster through its <see cref="IExecutorGrain"/>.
/// </summary>
public static class ExecutorHost
{
    public static IHost Build(ExecutorOptions options)
    {
        var slots = new ExecutorSlots(options.Name, options.WorkerType, options.Slots, options.WorkFolder);
        return Host.CreateDefaultBuilder()
            .ConfigureLogging(l => ClusterHosting.Quiet(l))
            .UseOrleans(silo =>
            {
                silo.UseRedisClustering(options.Cluster.Membership);
                ClusterHosting.Tls(silo, options.Cluster);
                ClusterHosting.Common(silo.Services, options.Cluster);
                silo.Configure<SiloOptions>(o => o.SiloName = options.Name);
                silo.Configure<EndpointOptions>(o =>
                {
                    o.AdvertisedIPAddress = options.Advertise;
                    o.SiloPort = options.SiloPort == 0 ? FreePort() : options.SiloPort;
                    o.GatewayPort = options.GatewayPort == 0 ? FreePort() : options.GatewayPort;
                    o.SiloListeningEndpoint = new IPEndPoint(options.Advertise, o.SiloPort);
                    o.GatewayListeningEndpoint = new IPEndPoint(options.Advertise, o.GatewayPort);
                });
                silo.Services.AddSingleton(slots);
                silo.Services.AddPlacementDirector<ExecutorPlacementStrategy, ExecutorPlacementDirector>();
            })
            .UseConsoleLifetime(o => o.SuppressStatusMessages = true)
            .Build();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
