using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class ActionsConfigTests : IDisposable
{
    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Load_NoActionsSection_CacheDirFollowsHostWorkdirParent()
    {
        var config = _host.Load("host:\n  workdir_parent: /srv/runner\n");

        Assert.Equal("/srv/runner/actions", config.Actions.CacheDir);
        Assert.Equal(ActionsOptions.DefaultCacheMaxSize, config.Actions.CacheMaxSize);
        Assert.Equal(TimeSpan.FromMinutes(1), config.Actions.ResolveTtl);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Actions.DownloadTimeout);
    }

    [Fact]
    public void Load_RelativeCacheDir_IsMadeAbsolute()
    {
        var config = _host.Load("actions:\n  cache_dir: data/actions\n");

        Assert.Equal(Path.Combine(_host.Directory.Path, "data", "actions"), config.Actions.CacheDir);
    }

    [Fact]
    public void Load_Node_IsMadeAbsoluteAndDefaultsToNone()
    {
        Assert.Equal("", _host.Load("actions:\n  cache_dir: x\n").Actions.Node);
        Assert.Equal(Path.Combine(_host.Directory.Path, "tools", "node"), _host.Load("actions:\n  node: tools/node\n").Actions.Node);
    }

    [Theory]
    [InlineData("1048576", 1L << 20)]
    [InlineData("500MiB", 500L << 20)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("2 GiB", 2L << 30)]
    [InlineData("2gib", 2L << 30)]
    [InlineData("2Gi", 2L << 30)]
    [InlineData("1.5GiB", 1536L << 20)]
    [InlineData("64KiB", 64L << 10)]
    [InlineData("1TiB", 1L << 40)]
    [InlineData("2GB", 2_000_000_000L)]
    [InlineData("300M", 300_000_000L)]
    [InlineData("512B", 512L)]
    public void Load_CacheMaxSizeForms_AreAccepted(string text, long expected)
    {
        var config = _host.Load($"actions:\n  cache_max_size: {text}\n");

        Assert.Equal(expected, config.Actions.CacheMaxSize);
    }

    [Fact]
    public void Load_CacheMaxSizeZero_MeansDefault()
    {
        var config = _host.Load("actions:\n  cache_max_size: 0\n  download_timeout: 0s\n");

        Assert.Equal(ActionsOptions.DefaultCacheMaxSize, config.Actions.CacheMaxSize);
        Assert.Equal(ActionsOptions.DefaultDownloadTimeout, config.Actions.DownloadTimeout);
    }

    [Theory]
    [InlineData("2 gigs")]
    [InlineData("-1GiB")]
    [InlineData("GiB")]
    [InlineData("1e3")]
    [InlineData("99999999TiB")]
    public void Load_BadCacheMaxSize_ThrowsOneLineNamingTheKey(string text)
    {
        var exception = _host.LoadFails($"actions:\n  cache_max_size: {text}\n");

        Assert.Equal(
            $"config.yaml:2: actions.cache_max_size: '{text}' is not a size (use bytes or a number with a unit, e.g. 500MiB, 2GiB; units are B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)",
            exception.Message);
        Assert.DoesNotContain('\n', exception.Message);
        Assert.Equal("actions.cache_max_size", exception.Key);
    }

    [Fact]
    public void Load_NegativeResolveTtl_ThrowsNamingTheKey()
    {
        var exception = _host.LoadFails("actions:\n  resolve_ttl: -1m\n");

        Assert.Equal("config.yaml:2: actions.resolve_ttl: must not be negative, not -1m0s (0 resolves tags and branches every time)", exception.Message);
    }

    [Fact]
    public void Load_ResolveTtlZero_IsKept()
    {
        var config = _host.Load("actions:\n  resolve_ttl: 0s\n");

        Assert.Equal(TimeSpan.Zero, config.Actions.ResolveTtl);
    }

    [Theory]
    [InlineData(2L << 30, "2GiB")]
    [InlineData(1536L << 20, "1536MiB")]
    [InlineData(1L << 40, "1TiB")]
    [InlineData(1000L, "1000B")]
    [InlineData(0L, "0B")]
    public void Format_Size_IsShortestExactBinaryForm(long bytes, string expected)
    {
        Assert.Equal(expected, ByteSize.Format(bytes));
        Assert.True(ByteSize.TryParse(expected, out var parsed));
        Assert.Equal(bytes, parsed);
    }
}
