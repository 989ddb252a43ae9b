using System.Globalization;
using System.Net;
using KubeRunner.Agent.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace KubeRunner.Agent.Executors;

/// <summary>
/// Where executors reach the agent: always the Unix socket (local executors; a stable path, so that
/// executors that outlived an agent find the next one), and a TCP port when <c>executor.listen</c>
/// is set. gRPC needs HTTP/2; without TLS there is no negotiation, so the endpoints speak only HTTP/2.
/// </summary>
internal static class ExecutorEndpoint
{
    public static void Configure(WebApplicationBuilder builder, ExecutorOptions options)
    {
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenUnixSocket(PrepareSocket(options.Socket), o => o.Protocols = HttpProtocols.Http2);
            if (options.Listen.Length > 0)
            {
                kestrel.Listen(ParseListen(options.Listen), o => o.Protocols = HttpProtocols.Http2);
            }
        });
    }

    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c> or <c>:port</c> (all addresses).</summary>
    public static IPEndPoint ParseListen(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(listen.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ConfigException($"executor.listen: '{listen}' is not an address with a port, such as 0.0.0.0:9700");
        }

        var host = listen[..colon].Trim('[', ']');
        if (host.Length == 0)
        {
            return new IPEndPoint(IPAddress.IPv6Any, port);
        }

        if (host == "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var address)
            ? new IPEndPoint(address, port)
            : throw new ConfigException($"executor.listen: '{host}' is not an IP address; use 0.0.0.0 to listen on all of them");
    }

    private static string PrepareSocket(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A socket file left by an agent that was killed; binding fails while it exists. No live agent
        // owns it: the daemon holds the directory's lock (RunnerDirectoryLock), exec uses a directory of its own.
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        return path;
    }
}
