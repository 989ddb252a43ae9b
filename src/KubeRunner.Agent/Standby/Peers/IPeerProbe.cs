using System.Net.Http.Headers;
using System.Text.Json;

namespace KubeRunner.Agent.Standby.Peers;

/// <summary>Reads one peer's status.</summary>
internal interface IPeerProbe
{
    /// <exception cref="PeerProbeException">The peer did not answer with its status; the message says why.</exception>
    Task<PeerStatus> ReadAsync(string address, CancellationToken cancellationToken);
}

internal sealed class PeerProbeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>GET <c>{peer}/standby/v1/status</c> with the fleet secret as a bearer token.</summary>
internal sealed class HttpPeerProbe(byte[] secret) : IPeerProbe, IDisposable
{
    private readonly AuthenticationHeaderValue _authorization = new("Bearer", System.Text.Encoding.UTF8.GetString(secret));

    // No timeout of its own: each read is bounded by peer_timeout through its token.
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) }) { Timeout = Timeout.InfiniteTimeSpan };

    public void Dispose() => http.Dispose();

    public async Task<PeerStatus> ReadAsync(string address, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, address.TrimEnd('/') + PeerStatusEndpoint.Path);
        request.Headers.Authorization = _authorization;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var hint = response.StatusCode == System.Net.HttpStatusCode.Unauthorized ? ": the fleet secrets differ" : "";
                throw new PeerProbeException($"HTTP {(int)response.StatusCode}{hint}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(body, PeerStatusJson.Default.PeerStatus, cancellationToken)
                ?? throw new PeerProbeException("an empty status");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PeerProbeException("timed out");
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            // The caller's peer_timeout, which it cannot tell from its own shutdown.
            throw new PeerProbeException("timed out", e);
        }
        catch (HttpRequestException e)
        {
            throw new PeerProbeException(e.HttpRequestError == HttpRequestError.ConnectionError ? "connection refused or unreachable" : e.Message, e);
        }
        catch (JsonException e)
        {
            throw new PeerProbeException("an answer that is not a status: " + e.Message, e);
        }
    }
}
