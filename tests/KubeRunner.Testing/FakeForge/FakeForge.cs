using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KubeRunner.Testing.FakeForge;

/// <summary>
/// An in-process Forgejo runner API (forgejo-protocol.md §1–§4) on 127.0.0.1 with a random port.
/// Tests set it up (tokens, runners, jobs), let the client under test talk to <see cref="Url"/>, inspect
/// what was stored, and inject faults through <see cref="Faults"/>.
/// </summary>
/// <remarks>
/// Inside namespaces below <c>KubeRunner.Testing</c> the simple name <c>FakeForge</c> binds to this
/// namespace, not to this type; such code aliases the type (KubeRunner.Testing.Tests uses <c>Forge</c>).
/// </remarks>
public sealed partial class FakeForge : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _shutdown;
    private readonly FakeForgeState _state;
    private readonly FakeForgeOptions _options;

    private FakeForge(WebApplication app, CancellationTokenSource shutdown, FakeForgeState state,
        ForgeFaults faults, RequestJournal journal, X509Certificate2? certificate, FakeForgeOptions options)
    {
        _app = app;
        _options = options;
        _shutdown = shutdown;
        _state = state;
        Faults = faults;
        Journal = journal;
        Certificate = certificate;
    }

    /// <summary>The instance URL with a trailing slash, e.g. <c>http://127.0.0.1:43211/forgejo/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The self-signed server certificate when <see cref="FakeForgeOptions.UseTls"/> is set.</summary>
    public X509Certificate2? Certificate { get; }

    public ForgeFaults Faults { get; }

    /// <summary>The Connect calls under <c>{base}/api/actions/</c>.</summary>
    public RequestJournal Journal { get; }

    /// <summary>The HTTP API calls under <c>{base}/api/v1/</c>.</summary>
    public ApiCallJournal ApiCalls { get; } = new();

    public static async Task<FakeForge> StartAsync(FakeForgeOptions? options = null)
    {
        options ??= new FakeForgeOptions();
        var basePath = NormaliseBasePath(options.BasePath);
        var certificate = options.UseTls ? SelfSignedCertificate.Create() : null;
        var shutdown = new CancellationTokenSource();
        var state = new FakeForgeState(options.TimeProvider);
        var faults = new ForgeFaults();
        var journal = new RequestJournal();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is null)
                {
                    listen.Protocols = HttpProtocols.Http1;
                }
                else
                {
                    // §1.2: HTTP/2 is negotiated by ALPN on https; HTTP/1.1 must keep working.
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        var forge = new FakeForge(app, shutdown, state, faults, journal, certificate, options);

        RunnerServiceHandler? service = null;
        var payloads = new TaskPayloadBuilder(() => forge.Url, options);
        var fetchTask = new FetchTaskHandler(state, payloads, () => service!);
        var log = new LogHandler(state, () => service!);
        service = new RunnerServiceHandler(state, fetchTask, log);
        var endpoint = new ConnectEndpoint(basePath + "/api/actions/", service, faults, journal, options.TimeProvider, shutdown.Token);
        // One app, routed by path prefix: the HTTP API under /api/v1/, everything else to the Connect endpoint.
        var api = new ForgeApiEndpoint(basePath + "/api/v1/", state, options, forge.ApiCalls);
        app.Run(context => (context.Request.Path.Value ?? "").StartsWith(api.Prefix, StringComparison.Ordinal)
            ? api.HandleAsync(context)
            : endpoint.HandleAsync(context));

        await app.StartAsync();
        var address = LoopbackApp.BoundAddress(app);
        forge.Url = new Uri($"{address.Scheme}://127.0.0.1:{address.Port}{basePath}/");
        return forge;
    }

    /// <summary>
    /// A handler for an <see cref="HttpClient"/> that talks to this forge; with TLS it trusts exactly
    /// <see cref="Certificate"/>. It does not decompress, so tests can see <c>Content-Encoding</c>.
    /// </summary>
    public SocketsHttpHandler CreateHttpHandler()
    {
        var handler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None };
        if (Certificate is { } trusted)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None
                || (certificate is not null && certificate.GetCertHashString() == trusted.GetCertHashString());
        }

        return handler;
    }

    public async ValueTask DisposeAsync()
    {
        // Releases calls held by gates or delays first, so stopping does not wait for them.
        await LoopbackApp.StopAsync(_app, _shutdown);
        Certificate?.Dispose();
    }

    private static string NormaliseBasePath(string basePath)
    {
        var trimmed = basePath.Trim('/');
        return trimmed.Length == 0 ? "" : "/" + trimmed;
    }
}
