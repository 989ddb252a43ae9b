namespace KubeRunner.Agent.Backends.Kubernetes.Api;

/// <summary>
/// kubernetes.qps and kubernetes.burst, as client-go applies them: a token bucket in front of every
/// request (up to <c>burst</c> at once, refilled at <c>qps</c> a second), so that a burst of tasks
/// cannot flood the API server. Requests wait their turn in order. A watch takes one token when it
/// starts, however long it then streams. Time is the agent's clock, so tests can drive it.
/// </summary>
internal sealed class RateLimitHandler(int qps, int burst, TimeProvider time) : DelegatingHandler
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private double _tokens = burst;
    private long _refilled = time.GetTimestamp();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            Refill();
            if (_tokens < 1)
            {
                await Task.Delay(TimeSpan.FromSeconds((1 - _tokens) / qps), time, cancellationToken);
                Refill();
            }

            _tokens -= 1;
        }
        finally
        {
            _turn.Release();
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private void Refill()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_refilled, now).TotalSeconds * qps));
        _refilled = now;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _turn.Dispose();
        }

        base.Dispose(disposing);
    }
}
