using System.Threading.RateLimiting;

namespace KubeRunner.Agent.Backends.Kubernetes.Api;

/// <summary>
/// kubernetes.qps and kubernetes.burst, as client-go applies them: a token bucket in front of every
/// request, so that a burst of tasks cannot flood the API server. A watch takes one token when it
/// starts, however long it then streams.
/// </summary>
internal sealed class RateLimitHandler(int qps, int burst) : DelegatingHandler
{
    private readonly TokenBucketRateLimiter _bucket = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = burst,
        TokensPerPeriod = qps,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = await _bucket.AcquireAsync(1, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _bucket.Dispose();
        }

        base.Dispose(disposing);
    }
}
