using System.Net;

namespace Glint.Tests.Support;

/// <summary>Free loopback ports for servers a test starts.</summary>
public static class Ports
{
    public static int Free()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
