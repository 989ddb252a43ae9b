using System.Net;

namespace KubeRunner.Agent.Forge.Connect;

/// <summary>The HTTP handler for calls to the forge.</summary>
internal static class ForgeHttp
{
    /// <param name="insecure">Skip TLS certificate verification (the <c>runner.insecure</c> option).</param>
    public static SocketsHttpHandler CreateHandler(bool insecure)
    {
        var handler = new SocketsHttpHandler
        {
            // Offers gzip (Accept-Encoding) and inflates answers: Forgejo compresses answers of 1 KiB or more.
            AutomaticDecompression = DecompressionMethods.GZip,
            // HTTP(S)_PROXY and NO_PROXY from the environment, as forgejo-runner honours them.
            UseProxy = true,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            // Re-resolve the forge's address now and then, e.g. after a fail-over behind DNS.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
        };
        if (insecure)
        {
#pragma warning disable CA5359 // The operator asked for it explicitly (runner.insecure), as with forgejo-runner.
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        return handler;
    }

    public static HttpClient CreateClient(bool insecure) =>
        // Timeouts are per call (ConnectClient), so the client-wide one is off.
        new(CreateHandler(insecure), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
}
