using KubeRunner.Testing.Git;

namespace KubeRunner.Agent.Tests.Actions;

public sealed class ActionCacheReuseTests : CheckoutActionTestBase
{
    private const string RefsPath = "/actions/checkout.git/info/refs";

    private string ArchivePath => $"/actions/checkout/archive/{Sha}.tar.gz";

    [Fact]
    public async Task AcquireAsync_SameRefWithinResolveTtl_ServedFromCacheWithoutAnyRequest()
    {
        var cache = Bed.CreateCache();
        using (await cache.AcquireAsync(Url, "v4", ActionTestBed.Timeout))
        {
        }

        var requests = Bed.Server.RequestPaths.Count;
        Bed.Time.Advance(TimeSpan.FromSeconds(59));
        using var second = await cache.AcquireAsync(Url, "v4", ActionTestBed.Timeout);

        Assert.True(second.FromCache);
        Assert.Equal(Sha, second.Sha);
        Assert.Equal(requests, Bed.Server.RequestPaths.Count);
        Assert.Equal(1, Bed.Server.RequestCount(ArchivePath));
    }

    [Fact]
    public async Task AcquireAsync_FullSha_NeverResolves()
    {
        var cache = Bed.CreateCache();

        using var first = await cache.AcquireAsync(Url, Sha, ActionTestBed.Timeout);
        using var second = await cache.AcquireAsync(Url, Sha.ToUpperInvariant(), ActionTestBed.Timeout);

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Directory, second.Directory);
        Assert.Equal(0, Bed.Server.RequestCount(RefsPath));
    }

    [Fact]
    public async Task AcquireAsync_AfterResolveTtl_ResolvesAgainAndFollowsAMovedTag()
    {
        var cache = Bed.CreateCache();
        using var first = await cache.AcquireAsync(Url, "v4", ActionTestBed.Timeout);
        var moved = await Bed.Server.CommitAsync("actions", "checkout", "main", new RepositoryContent(new Dictionary<string, string> { ["action.yml"] = "name: checkout 4.1\n" }));
        await Bed.Server.TagAsync("actions", "checkout", "v4", moved);

        using var withinTtl = await cache.AcquireAsync(Url, "v4", ActionTestBed.Timeout);
        Bed.Time.Advance(TimeSpan.FromMinutes(1));
        using var afterTtl = await cache.AcquireAsync(Url, "v4", ActionTestBed.Timeout);

        Assert.Equal(Sha, withinTtl.Sha);
        Assert.Equal(moved, afterTtl.Sha);
        Assert.False(afterTtl.FromCache);
        Assert.Equal("name: checkout 4.1\n", File.ReadAllText(Path.Join(afterTtl.Directory, "action.yml")));
        Assert.Equal(2, Bed.Server.RequestCount(RefsPath));
    }

    [Fact]
    public async Task Constructor_ExistingCacheDirectory_KeepsEntriesAndRemovesUnfinishedOnes()
    {
        long size;
        string directory;
        using (var lease = await Bed.CreateCache().AcquireAsync(Url, Sha, ActionTestBed.Timeout))
        {
            directory = lease.Directory;
        }

        size = new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length);
        // What a crash leaves: a staging directory, and a tree moved into place whose metadata was never written.
        Directory.CreateDirectory(Path.Join(Bed.CacheDir, ".staging-crashed", "half"));
        var unfinished = Path.Join(Path.GetDirectoryName(directory)!, new string('a', 40));
        Directory.CreateDirectory(unfinished);

        var restarted = Bed.CreateCache();
        using var again = await restarted.AcquireAsync(Url, Sha, ActionTestBed.Timeout);

        Assert.Equal(size, restarted.TotalSize);
        Assert.True(again.FromCache);
        Assert.False(Directory.Exists(Path.Join(Bed.CacheDir, ".staging-crashed")));
        Assert.False(Directory.Exists(unfinished));
        Assert.Equal(1, Bed.Server.RequestCount(ArchivePath));
    }

    [Fact]
    public void Constructor_CacheDirHoldingOtherFiles_LeavesThemAlone()
    {
        // A cache_dir set to a directory that also holds other things must not cost them anything.
        Directory.CreateDirectory(Path.Join(Bed.CacheDir, "jobs", "1234"));
        File.WriteAllText(Path.Join(Bed.CacheDir, "jobs", "1234", "notes.txt"), "keep");
        var repository = Directory.CreateDirectory(Path.Join(Bed.CacheDir, new string('0', 32))).FullName;
        File.WriteAllText(Path.Join(repository, "README"), "keep");
        Directory.CreateDirectory(Path.Join(repository, "not-a-sha"));

        var cache = Bed.CreateCache();

        Assert.Equal(0, cache.TotalSize);
        Assert.Equal(
            ["00000000000000000000000000000000", Path.Join("00000000000000000000000000000000", "README"), Path.Join("00000000000000000000000000000000", "not-a-sha"),
             "jobs", Path.Join("jobs", "1234"), Path.Join("jobs", "1234", "notes.txt")],
            Bed.CacheContents());
    }

    [Fact]
    public async Task Dispose_LeaseTwice_ReleasesOnce()
    {
        var cache = Bed.CreateCache(maxSize: 1);
        var held = await cache.AcquireAsync(Url, Sha, ActionTestBed.Timeout);
        var lease = await cache.AcquireAsync(Url, Sha, ActionTestBed.Timeout);

        lease.Dispose();
        lease.Dispose();

        // The first lease still holds the tree, although the cache is far over its size.
        Assert.True(Directory.Exists(held.Directory));
        held.Dispose();
        Assert.False(Directory.Exists(held.Directory));
    }
}
