namespace KubeRunner.Agent.Backends.Kubernetes.Api;

/// <summary>
/// Whether the API server answered the backend's last request, for readiness. It is fed by what the
/// backend does anyway (every request and watch passes <see cref="ReachabilityHandler"/>; a watch
/// stream that breaks is reported by its loop), so that a readiness probe costs no request. Any HTTP
/// answer counts as reachable: a refusal (RBAC, a conflict) is a task's problem, not the agent's.
/// </summary>
internal sealed class ApiReachability
{
    private readonly Lock _lock = new();
    private string? _problem;

    /// <summary>Null while the last request got an answer (or none was made yet), else the transport's error.</summary>
    public string? Problem
    {
        get
        {
            lock (_lock)
            {
                return _problem;
            }
        }
    }

    public void Answered()
    {
        lock (_lock)
        {
            _problem = null;
        }
    }

    public void Unreachable(string problem)
    {
        lock (_lock)
        {
            _problem = problem;
        }
    }

    /// <summary>Whether an exception is the transport failing (no connection, reset, timeout), as opposed to an answer.</summary>
    public static bool IsTransportFailure(Exception e) => e is HttpRequestException or IOException or System.Net.Sockets.SocketException or TimeoutException;
}

/// <summary>Reports each request's outcome to <see cref="ApiReachability"/>; sits in the client's handler chain.</summary>
internal sealed class ReachabilityHandler(ApiReachability reachability) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            reachability.Answered();
            return response;
        }
        catch (Exception e) when (ApiReachability.IsTransportFailure(e))
        {
            reachability.Unreachable($"{request.RequestUri?.GetLeftPart(UriPartial.Authority)}: {ApiRetry.Describe(e)}");
            throw;
        }
    }
}
