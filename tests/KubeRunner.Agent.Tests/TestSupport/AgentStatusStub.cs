using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using KubeRunner.Agent.Standby;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace KubeRunner.Agent.Tests.TestSupport;

/// <summary>
/// A stand-in for an agent's <c>http.listen</c> on loopback: it records each request (method, path,
/// Authorization header) and answers with what <see cref="Answer"/> returns for it.
/// </summary>
internal sealed class AgentStatusStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AgentStatusStub(WebApplication app) => _app = app;

    /// <summary>Requests in the order they came.</summary>
    public ConcurrentQueue<(string Method, string Path, string Authorization)> Requests { get; } = new();

    /// <summary>Method and path to status code and body; by default 404.</summary>
    public Func<string, string, (int Status, string Body)> Answer { get; set; } = (_, _) => (404, "not found\n");

    public int Port { get; private set; }

    /// <summary>http.listen for a config that reaches this stub.</summary>
    public string Listen => $"127.0.0.1:{Port}";

    public static async Task<AgentStatusStub> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var stub = new AgentStatusStub(app);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        stub.Port = new Uri(address).Port;
        return stub;
    }

    public static string Json(PeerStatus status) => JsonSerializer.Serialize(status, PeerStatusJson.Default.PeerStatus);

    public async ValueTask DisposeAsync()
    {
        // Every answer is immediate, so stopping waits for no request.
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Requests.Enqueue((request.Method, request.Path.Value ?? "", request.Headers.Authorization.ToString()));
        var (status, body) = Answer(request.Method, request.Path.Value ?? "");
        context.Response.StatusCode = status;
        context.Response.ContentType = body.StartsWith('{') ? "application/json" : "text/plain; charset=utf-8";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}
