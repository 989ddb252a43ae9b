namespace KubeRunner.Agent.Tests.Actions;

public sealed class ActionCacheEvictionTests : ActionTestBase
{
    // Each repository's tree is one 1000-byte file; the cache holds two of them.
    private const long MaxSize = 2500;

    [Fact]
    public async Task AcquireAsync_OverMaxSize_EvictsLeastRecentlyUsedUnleasedEntries()
    {
        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "a", "b", "c" })
        {
            await Bed.Server.CreateRepositoryAsync("org", name, new Dictionary<string, string> { ["action.yml"] = new string('x', 1000) }, "v1");
            urls[name] = Bed.Server.RepositoryUrl("org", name);
        }

        var cache = Bed.CreateCache(MaxSize);
        using var a = await cache.AcquireAsync(urls["a"], "v1", ActionTestBed.Timeout);
        Bed.Time.Advance(TimeSpan.FromSeconds(1));
        var b = await cache.AcquireAsync(urls["b"], "v1", ActionTestBed.Timeout);
        b.Dispose();
        Bed.Time.Advance(TimeSpan.FromSeconds(1));

        // a is the oldest but leased; b is the least recently used among the rest.
        using var c = await cache.AcquireAsync(urls["c"], "v1", ActionTestBed.Timeout);

        Assert.True(Directory.Exists(a.Directory));
        Assert.False(Directory.Exists(b.Directory));
        Assert.False(File.Exists(b.Directory + ".json"));
        Assert.True(Directory.Exists(c.Directory));
        Assert.Equal(2000, cache.TotalSize);
        Assert.DoesNotContain(Bed.CacheContents(), path => path.StartsWith(".evicted-", StringComparison.Ordinal));

        using var bAgain = await cache.AcquireAsync(urls["b"], "v1", ActionTestBed.Timeout);
        Assert.False(bAgain.FromCache);
    }

    [Fact]
    public async Task AcquireAsync_AllEntriesLeased_StaysOverMaxSizeUntilReleased()
    {
        await Bed.Server.CreateRepositoryAsync("org", "big", new Dictionary<string, string> { ["action.yml"] = new string('x', 3000) }, "v1");
        var cache = Bed.CreateCache(MaxSize);

        var lease = await cache.AcquireAsync(Bed.Server.RepositoryUrl("org", "big"), "v1", ActionTestBed.Timeout);

        Assert.True(Directory.Exists(lease.Directory));
        Assert.Equal(3000, cache.TotalSize);
        lease.Dispose();
        Assert.Equal(0, cache.TotalSize);
        Assert.False(Directory.Exists(lease.Directory));
        Assert.False(File.Exists(lease.Directory + ".json"));
        Assert.DoesNotContain(Bed.CacheContents(), path => path.StartsWith(".evicted-", StringComparison.Ordinal));
    }
}
