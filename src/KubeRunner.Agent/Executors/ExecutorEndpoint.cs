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
                kestrel.Listen(ListenAddress.Parse(options.Listen, "executor.listen"), o => o.Protocols = HttpProtocols.Http2);
            }
        });
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
