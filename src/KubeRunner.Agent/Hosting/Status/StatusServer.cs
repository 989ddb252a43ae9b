using System.Diagnostics.Metrics;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Diagnostics.Prometheus;
using KubeRunner.Agent.Standby;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Hosting.Status;

/// <summary>
/// <c>http.listen</c>: <c>/healthz</c> (liveness: the process serves), <c>/readyz</c> (see
/// <see cref="AgentReadiness"/>) and <c>/metrics</c> (Prometheus text) over HTTP/1.1. A small host of
/// its own, started before the agent is registered and stopped after the agent's host, so that a
/// daemon that cannot register yet is alive and says why it is not ready. It owns the meter factory
/// the agent's instruments are made from, and exports only that factory's meter.
/// </summary>
internal sealed partial class StatusServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly PrometheusExporter _exporter;
    private readonly PeerStatusEndpoint _peers;

    private StatusServer(WebApplication app, PrometheusExporter exporter, PeerStatusEndpoint peers)
    {
        _app = app;
        _exporter = exporter;
        _peers = peers;
    }

    /// <summary>Starts answering peers with this agent's status, once the agent's services exist.</summary>
    public void ServePeers(PeerStatusSource source) => _peers.Source = source;

    /// <summary>Where the agent's instruments come from (<see cref="AgentHostSettings.Meters"/>).</summary>
    public IMeterFactory Meters => _app.Services.GetRequiredService<IMeterFactory>();

    /// <returns>The running server, or null when <c>http.listen</c> is empty.</returns>
    /// <exception cref="ConfigException">The address is invalid or cannot be listened on.</exception>
    public static async Task<StatusServer?> StartAsync(RunnerConfig config, AgentReadiness readiness, Action<ILoggingBuilder> configureLogging,
        CancellationToken cancellationToken)
    {
        var listen = config.Http.Listen;
        if (listen.Length == 0)
        {
            return null;
        }

        var endpoint = ListenAddress.Parse(listen, "http.listen");
        var peers = new PeerStatusEndpoint(PeerStatusEndpoint.ReadSecret(config.Standby.FleetSecretFile));
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        configureLogging(builder.Logging);
        builder.Logging.SetMinimumLevel(AgentHost.LogLevelOf(config.Log.Level));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, SignalFreeLifetime>();
        builder.Services.AddMetrics();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endpoint, o => o.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        var exporter = new PrometheusExporter(app.Services.GetRequiredService<IMeterFactory>());
        app.Run(context => HandleAsync(context, readiness, exporter, peers));
        var server = new StatusServer(app, exporter, peers);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await server.DisposeAsync();
            throw new ConfigException($"http.listen: cannot listen on {listen}: {e.Message}");
        }

        Log.Listening(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<StatusServer>(), endpoint.ToString());
        return server;
    }

    private static async Task HandleAsync(HttpContext context, AgentReadiness readiness, PrometheusExporter exporter, PeerStatusEndpoint peers)
    {
        var response = context.Response;
        if (context.Request.Path.Value == PeerStatusEndpoint.DrainPath && peers.Enabled)
        {
            await peers.HandleDrainAsync(context);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET";
            return;
        }

        string text;
        switch (context.Request.Path.Value)
        {
            case "/healthz":
                // Liveness: answering is the whole check; the forge or the cluster being away is readiness.
                text = "ok\n";
                break;
            case "/readyz":
                var report = await readiness.CheckAsync(context.RequestAborted);
                response.StatusCode = report.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
                text = report.ToString();
                break;
            case "/metrics":
                response.ContentType = PrometheusExporter.ContentType;
                await response.WriteAsync(exporter.Scrape(), context.RequestAborted);
                return;
            case PeerStatusEndpoint.Path when peers.Enabled:
                await peers.HandleAsync(context);
                return;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                text = "not found: this port serves /healthz, /readyz and /metrics\n";
                break;
        }

        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(text, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token);
        }

        _exporter.Dispose();
        await _app.DisposeAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.StatusListening, LogLevel.Information, "Serving /healthz, /readyz and /metrics on http://{Endpoint}")]
        public static partial void Listening(ILogger logger, string endpoint);
    }
}
