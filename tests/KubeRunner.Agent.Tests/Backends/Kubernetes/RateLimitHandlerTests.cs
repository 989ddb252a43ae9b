using System.Net;
using KubeRunner.Agent.Backends.Kubernetes.Api;
using Microsoft.Extensions.Time.Testing;

namespace KubeRunner.Agent.Tests.Backends.Kubernetes;

public sealed class RateLimitHandlerTests
{
    [Fact]
    public async Task Send_MoreThanTheBurst_WaitsForTheNextSecondsTokens()
    {
        var time = new FakeTimeProvider();
        var sent = new Counting();
        using var limiter = new RateLimitHandler(qps: 2, burst: 3, time) { InnerHandler = sent };
        using var client = new HttpClient(limiter);

        var requests = Enumerable.Range(0, 6).Select(i => client.GetAsync(new Uri($"http://127.0.0.1/{i}"))).ToList();
        await sent.ReachedAsync(3);
        Assert.Equal(3, sent.Count);

        time.Advance(TimeSpan.FromSeconds(1));
        await sent.ReachedAsync(5);
        Assert.Equal(5, sent.Count);

        time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(6, sent.Count);
    }

    private sealed class Counting : HttpMessageHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public async Task ReachedAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (Count < count)
            {
                await Task.Delay(10, timeout.Token);
            }

            // Anything queued behind the bucket would have arrived by now if it were let through.
            await Task.Delay(100);
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
