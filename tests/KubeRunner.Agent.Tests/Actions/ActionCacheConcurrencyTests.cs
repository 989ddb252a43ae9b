using KubeRunner.Agent.Actions;
using KubeRunner.Agent.Configuration;
using KubeRunner.Testing.Git;

namespace KubeRunner.Agent.Tests.Actions;

public sealed class ActionCacheConcurrencyTests : CheckoutActionTestBase
{
    [Fact]
    public async Task AcquireAsync_ManyCallersDuringOneDownload_DownloadOnceAndShareTheTree()
    {
        var (cache, gate, first) = await StartHeldDownloadAsync(ActionsOptions.DefaultCacheMaxSize, ActionTestBed.Timeout);

        var others = Enumerable.Range(0, 4).Select(_ => cache.AcquireAsync(Url, Sha, ActionTestBed.Timeout)).ToList();
        Assert.Equal(5, cache.WaitersFor(Url, Sha));
        gate.Release();
        var leases = await Task.WhenAll([first, .. others]);

        Assert.Equal(1, gate.Arrivals);
        Assert.Equal(1, Bed.Server.RequestCount($"/actions/checkout/archive/{Sha}.tar.gz"));
        Assert.All(leases, lease => Assert.Equal(leases[0].Directory, lease.Directory));
        Assert.All(leases, lease => Assert.False(lease.FromCache));
        Assert.Equal(0, cache.WaitersFor(Url, Sha));
        foreach (var lease in leases)
        {
            lease.Dispose();
        }
    }

    [Fact]
    public async Task AcquireAsync_OneWaiterCancelled_OthersStillGetTheDownloadAndItsLeaseIsReturned()
    {
        using var cancel = new CancellationTokenSource();
        var (cache, gate, leaving) = await StartHeldDownloadAsync(maxSize: 1, cancel.Token);
        var staying = cache.AcquireAsync(Url, Sha, ActionTestBed.Timeout);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        gate.Release();
        var lease = await staying;

        Assert.True(Directory.Exists(lease.Directory));
        // Only the remaining lease holds the tree (the cache is over its 1-byte size): releasing it evicts.
        lease.Dispose();
        Assert.False(Directory.Exists(lease.Directory));
    }

    [Fact]
    public async Task AcquireAsync_DownloadLongerThanDownloadTimeout_GivesUpAndLeavesNothing()
    {
        var (_, gate, acquire) = await StartHeldDownloadAsync(ActionsOptions.DefaultCacheMaxSize, ActionTestBed.Timeout);

        Bed.Time.Advance(TimeSpan.FromMinutes(5));
        var error = await Assert.ThrowsAsync<ActionFetchException>(() => acquire);

        Assert.Equal($"gave up downloading action {Url}@{Sha} after 5m0s (actions.download_timeout)", error.Message);
        gate.Release();
        Assert.Empty(Bed.CacheContents());
    }

    /// <summary>Starts a download of <c>actions/checkout</c> that the server holds, and returns once the server has it.</summary>
    private async Task<(ActionCache Cache, RequestGate Gate, Task<ActionLease> First)> StartHeldDownloadAsync(long maxSize, CancellationToken cancellationToken)
    {
        var cache = Bed.CreateCache(maxSize);
        var gate = Bed.Server.HoldArchives();
        var first = cache.AcquireAsync(Url, Sha, cancellationToken);
        await gate.FirstArrived.WaitAsync(ActionTestBed.Timeout);
        return (cache, gate, first);
    }
}
