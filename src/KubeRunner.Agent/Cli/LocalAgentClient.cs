using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Standby;

namespace KubeRunner.Agent.Cli;

/// <summary>
/// Talks to the running agent of a config file, on its <c>http.listen</c>, with the fleet secret as
/// bearer token: what <c>kube-runner drain</c> and <c>kube-runner status</c> share. Every failure
/// becomes a <see cref="CliException"/> whose message says what to do.
/// </summary>
internal sealed class LocalAgentClient : IDisposable
{
    // The agent is on this machine (or its pod): an answer takes milliseconds, or never comes.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;

    private LocalAgentClient(Uri baseAddress, string secret)
    {
        BaseAddress = baseAddress;
        // No proxy: HTTP(S)_PROXY is for the forge, and a proxy cannot reach this machine's loopback.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }, disposeHandler: true) { Timeout = RequestTimeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
    }

    public Uri BaseAddress { get; }

    /// <param name="command">The command's name, for the message when the config does not say where the agent is.</param>
    /// <exception cref="CliException">http.listen or standby.fleet_secret_file is not set.</exception>
    /// <exception cref="ConfigException">http.listen is invalid, or the secret file unreadable or empty.</exception>
    public static LocalAgentClient For(RunnerConfig config, string command)
    {
        var missing = config.Http.Listen.Length == 0 ? "http.listen is not set"
            : config.Standby.FleetSecretFile.Length == 0 ? "standby.fleet_secret_file is not set"
            : null;
        if (missing is not null)
        {
            var source = config.SourcePath ?? "the defaults (no --config given)";
            throw new CliException(ExitCodes.Configuration,
                $"{command} needs http.listen and standby.fleet_secret_file in {source}: {missing}; pass the daemon's config with --config");
        }

        var secret = Encoding.UTF8.GetString(PeerStatusEndpoint.ReadSecret(config.Standby.FleetSecretFile)!);
        return new LocalAgentClient(BaseAddressOf(config.Http.Listen), secret);
    }

    /// <summary>The URL that reaches an agent listening on <paramref name="listen"/> from this machine.</summary>
    public static Uri BaseAddressOf(string listen)
    {
        var endpoint = ListenAddress.Parse(listen, "http.listen");
        // "All addresses" cannot be dialled; loopback is one of them. An empty host listens on both
        // families, so IPv4's loopback works there too.
        var host = listen[..listen.LastIndexOf(':')];
        var address = host.Length == 0 || endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : endpoint.Address;
        return new Uri($"http://{new IPEndPoint(address, endpoint.Port)}");
    }

    /// <summary>Sends one request and returns the body of a 200 answer.</summary>
    public async Task<string> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        var url = new Uri(BaseAddress, path);
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, url);
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            var refused = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
            throw new CliException(ExitCodes.AgentUnavailable,
                $"no agent answers on {BaseAddress}: is the daemon running with this config?{(refused ? "" : $" ({e.Message})")}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.AgentUnavailable,
                $"no agent answers on {BaseAddress} within {GoDuration.Format(RequestTimeout)}: is the daemon running with this config?", e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => body,
                HttpStatusCode.Unauthorized => throw new CliException(ExitCodes.Configuration,
                    $"the agent on {BaseAddress} refused the fleet secret: it was started with another standby.fleet_secret_file content; use the daemon's config, or restart the daemon after changing the secret"),
                HttpStatusCode.NotFound => throw new CliException(ExitCodes.Configuration,
                    $"the agent on {BaseAddress} serves no {path}: it runs without standby.fleet_secret_file, or is older than this kube-runner; restart it with this config"),
                _ => throw new CliException(ExitCodes.AgentUnavailable,
                    $"the agent on {BaseAddress} answered {method} {path} with {(int)response.StatusCode} {response.ReasonPhrase}{FirstLine(body)}"),
            };
        }
    }

    /// <summary>Sends one request whose 200 answer is the agent's <see cref="PeerStatus"/>.</summary>
    public async Task<(PeerStatus Status, string Json)> SendForStatusAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        var json = await SendAsync(method, path, cancellationToken);
        try
        {
            if (JsonSerializer.Deserialize(json, PeerStatusJson.Default.PeerStatus) is { } status)
            {
                return (status, json);
            }
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.AgentUnavailable, $"the agent on {BaseAddress} answered {path} with something other than its status: {e.Message}", e);
        }

        throw new CliException(ExitCodes.AgentUnavailable, $"the agent on {BaseAddress} answered {path} with an empty status");
    }

    public void Dispose() => _http.Dispose();

    private static string FirstLine(string body)
    {
        var line = body.Split('\n', 2)[0].Trim();
        return line.Length == 0 ? "" : $": {line}";
    }
}
