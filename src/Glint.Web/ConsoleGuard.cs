using System.Net;
using System.Net.NetworkInformation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Glint.Web;

/// <summary>
/// What every response of the console passes through: requests must name this console's own host (so a page elsewhere cannot
/// reach it through DNS rebinding), responses carry headers that keep them out of frames and sniffing, and a Glint error in a
/// handler becomes its message with 404 (something named does not exist) or 400, never an empty 500.
/// </summary>
internal static class ConsoleGuard
{
    /// <summary>Pages use only their own inline styles; the run report draws with inline SVG; forms post back here.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Use(WebApplication app, IPAddress bind)
    {
        var hosts = Hosts(bind);
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers["Content-Security-Policy"] = ContentSecurityPolicy;
            headers["X-Frame-Options"] = "DENY";
            headers["X-Content-Type-Options"] = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (!hosts.Contains(context.Request.Host.Host))
            {
                context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                await context.Response.WriteAsync($"this console answers to {string.Join(", ", hosts.Order())}, not '{context.Request.Host.Host}'");
                return;
            }
            try { await next(context); }
            catch (Common.GlintException e) when (!context.Response.HasStarted)
            {
                context.Response.StatusCode = e is Common.NotFoundException or Common.CatalogException ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(e.Message);
            }
        });
    }

    /// <summary>The names a request may use for this console: its bound address, and for loopback or every interface the machine's own names.</summary>
    public static HashSet<string> Hosts(IPAddress bind)
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Literal(bind) };
        if (IPAddress.IsLoopback(bind) || bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any))
            hosts.UnionWith(["localhost", "127.0.0.1", "[::1]"]);
        if (bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any))
        {
            hosts.Add(Dns.GetHostName());
            foreach (var address in NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses))
                hosts.Add(Literal(address.Address));
        }
        return hosts;
    }

    /// <summary>An address as a Host header writes it (IPv6 in brackets).</summary>
    private static string Literal(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
