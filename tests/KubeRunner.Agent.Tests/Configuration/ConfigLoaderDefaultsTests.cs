using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class ConfigLoaderDefaultsTests : IDisposable
{
    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Load_NoConfigFile_AppliesForgejoRunnerDefaults()
    {
        var config = _host.LoadWithoutFile();

        AssertDefaults(config);
        Assert.Null(config.SourcePath);
        Assert.Empty(config.Warnings);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    [InlineData("~\n")]
    [InlineData("log:\nrunner:\ncache:\ncontainer:\nhost:\n")]
    [InlineData("runner:\n  report_retry:\n")]
    public void Load_EmptyDocumentOrSections_AppliesDefaults(string yaml)
    {
        var config = _host.Load(yaml);

        AssertDefaults(config);
        Assert.Equal(Path.Combine(_host.Directory.Path, "config.yaml"), config.SourcePath);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Load_EmptyValues_KeepDefaults()
    {
        var config = _host.Load("""
            log:
              level: ~
              job_level: ""
            runner:
              file: null
              capacity:
              timeout: ''
              labels:
              envs:
            cache:
              enabled:
              dir: ""
            container:
              docker_host: ""
              workdir_parent:
              valid_volumes: ~
            host:
              workdir_parent: ""
            """);

        AssertDefaults(config);
    }

    [Theory]
    [InlineData("capacity: 0")]
    [InlineData("capacity: -3")]
    [InlineData("timeout: 0s")]
    [InlineData("timeout: -1h")]
    [InlineData("fetch_timeout: 0")]
    [InlineData("fetch_interval: -2s")]
    [InlineData("report_interval: 0s")]
    [InlineData("report_retry: {max_retries: 0, initial_delay: -1s}")]
    public void Load_ZeroOrNegativeWhereForgejoMeansUnset_AppliesDefault(string runnerLine)
    {
        var config = _host.Load($"runner:\n  {runnerLine}\n");

        AssertDefaults(config);
    }

    [Fact]
    public void Load_CacheDisabled_LeavesCacheDirEmpty()
    {
        var config = _host.Load("cache:\n  enabled: false\n");

        Assert.False(config.Cache.Enabled);
        Assert.Equal("", config.Cache.Dir);
    }

    [Fact]
    public void Load_RelativeHostWorkdirParent_IsMadeAbsolute()
    {
        var config = _host.Load("host:\n  workdir_parent: jobs/host\n");

        Assert.Equal(Path.Combine(_host.Directory.Path, "jobs", "host"), config.Host.WorkdirParent);
    }

    internal static void AssertDefaults(RunnerConfig config)
    {
        Assert.Equal("info", config.Log.Level);
        Assert.Equal("info", config.Log.JobLevel);

        var runner = config.Runner;
        Assert.Equal(".runner", runner.File);
        Assert.Equal(1, runner.Capacity);
        Assert.Empty(runner.Envs);
        Assert.Equal("", runner.EnvFile);
        Assert.Equal(TimeSpan.FromHours(3), runner.Timeout);
        Assert.Equal(TimeSpan.Zero, runner.ShutdownTimeout);
        Assert.False(runner.Insecure);
        Assert.Equal(TimeSpan.FromSeconds(5), runner.FetchTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), runner.FetchInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), runner.ReportInterval);
        Assert.Empty(runner.Labels);
        Assert.Equal(10, runner.ReportRetry.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(100), runner.ReportRetry.InitialDelay);
        Assert.Equal(TimeSpan.Zero, runner.ReportRetry.MaxDelay);

        var cache = config.Cache;
        Assert.True(cache.Enabled);
        Assert.Equal("/home/runner/.cache/actcache", cache.Dir);
        Assert.Equal("", cache.Host);
        Assert.Equal(0, cache.Port);
        Assert.Equal(0, cache.ProxyPort);
        Assert.Equal("", cache.ExternalServer);
        Assert.Equal("", cache.ActionsCacheUrlOverride);
        Assert.Equal("", cache.Secret);

        var container = config.Container;
        Assert.Equal("", container.Network);
        Assert.Equal("", container.NetworkMode);
        Assert.False(container.EnableIpv6);
        Assert.False(container.Privileged);
        Assert.Equal("", container.Options);
        Assert.Equal("workspace", container.WorkdirParent);
        Assert.Empty(container.ValidVolumes);
        Assert.Equal("-", container.DockerHost);
        Assert.False(container.ForcePull);
        Assert.False(container.ForceRebuild);

        Assert.Equal("/home/runner/.cache/act", config.Host.WorkdirParent);
        Assert.Equal(TimeSpan.FromSeconds(60), config.ClientTimeout);

        Assert.Equal("/home/runner/.cache/act/actions", config.Actions.CacheDir);
        Assert.Equal(2L << 30, config.Actions.CacheMaxSize);
        Assert.Equal(TimeSpan.FromMinutes(1), config.Actions.ResolveTtl);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Actions.DownloadTimeout);
    }
}
