using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using KubeRunner.Protocol.Executor.V1;

namespace KubeRunner.Executor.Transport;

/// <summary>
/// The gRPC channel to the agent: <c>unix:///path</c> for a local agent (host backend, or a socket
/// mounted into a container) or <c>http://host:port</c> (HTTP/2 without TLS inside a cluster network;
/// the per-task token authenticates, and no TLS library is needed in the job's image).
/// </summary>
internal static class AgentChannel
{
    public static GrpcChannel Create(string agent)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        var address = agent;
        if (agent.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = agent["unix://".Length..];
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            address = "http://localhost";
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
        });
    }

    public static Metadata Headers(long taskId, string token) => new()
    {
        { "x-task-id", taskId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        { "authorization", "Bearer " + token },
    };

    public static ExecutorService.ExecutorServiceClient Client(GrpcChannel channel) => new(channel);
}
