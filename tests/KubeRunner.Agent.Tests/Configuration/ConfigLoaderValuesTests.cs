namespace KubeRunner.Agent.Tests.Configuration;

public sealed class ConfigLoaderValuesTests : IDisposable
{
    /// <summary>Every key set to a value other than its default.</summary>
    internal const string FullConfig = """
        log:
          level: debug
          job_level: warn
        runner:
          file: /var/lib/runner/.runner
          capacity: 4
          envs:
            PLAIN: value
            NUMBER: 42
            EMPTY:
            GITHUB_TOKEN: ghp_secret
            db_password: hunter2
          env_file: ""
          timeout: 1h30m
          shutdown_timeout: 10m
          insecure: true
          fetch_timeout: 30s
          fetch_interval: 10s
          report_interval: 500ms
          labels:
            - ubuntu-latest:docker://node:20-bookworm
            - shell:host
            - docker
          report_retry:
            max_retries: 3
            initial_delay: 250ms
            max_delay: 30s
        cache:
          enabled: true
          dir: /var/cache/actcache
          host: 10.0.0.5
          port: 8088
          proxy_port: 8089
          external_server: http://cache.internal:8088/
          actions_cache_url_override: http://proxy.internal:9000
          secret: s3cr3t
        container:
          network: ci-net
          enable_ipv6: true
          privileged: true
          options: --volume /etc/ssl/certs:/etc/ssl/certs:ro
          workdir_parent: builds
          valid_volumes:
            - data
            - '**'
          docker_host: unix:///run/podman/podman.sock
          force_pull: true
          force_rebuild: true
        host:
          workdir_parent: /srv/act
        actions:
          cache_dir: /var/cache/kube-runner/actions
          cache_max_size: 1.5GiB
          resolve_ttl: 0s
          download_timeout: 10m
          node: /opt/node/bin/node
        docker:
          host: tcp://10.0.0.7:2375
          executor_bundle: /opt/kube-runner/executor-bundle
          pull: always
          profiles:
            big:
              image: kr-test/debian
              cpus: 1.5
              memory: 8g
              privileged: true
              network: ""
              options: --shm-size 1g
        kubernetes:
          kubeconfig: /etc/kube-runner/kubeconfig
          namespace: ci
          agent_address: http://kube-runner.ci.svc:8081
          qps: 20
          burst: 40
          unschedulable_timeout: 25m
          profiles:
            heavy:
              image: debian:bookworm
              cpu: 16
              memory: 64Gi
              ephemeral_storage: 100Gi
              max_memory: 96Gi
              tolerations:
                - key: dedicated
                  operator: Equal
                  value: ci
                  effect: NoSchedule
              labels:
                team: seaspots
        """;

    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Load_EveryKeySet_ParsesEachValue()
    {
        var config = _host.Load(FullConfig);

        Assert.Empty(config.Warnings);
        Assert.Equal("debug", config.Log.Level);
        Assert.Equal("warn", config.Log.JobLevel);

        var runner = config.Runner;
        Assert.Equal("/var/lib/runner/.runner", runner.File);
        Assert.Equal(4, runner.Capacity);
        Assert.Equal(
            new Dictionary<string, string> { ["EMPTY"] = "", ["GITHUB_TOKEN"] = "ghp_secret", ["NUMBER"] = "42", ["PLAIN"] = "value", ["db_password"] = "hunter2" },
            runner.Envs);
        Assert.Equal("", runner.EnvFile);
        Assert.Equal(TimeSpan.FromMinutes(90), runner.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(10), runner.ShutdownTimeout);
        Assert.True(runner.Insecure);
        Assert.Equal(TimeSpan.FromSeconds(30), runner.FetchTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), runner.FetchInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), runner.ReportInterval);
        Assert.Equal(["ubuntu-latest:docker://node:20-bookworm", "shell:host", "docker"], runner.Labels);
        Assert.Equal(3, runner.ReportRetry.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(250), runner.ReportRetry.InitialDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), runner.ReportRetry.MaxDelay);

        var cache = config.Cache;
        Assert.True(cache.Enabled);
        Assert.Equal("/var/cache/actcache", cache.Dir);
        Assert.Equal("10.0.0.5", cache.Host);
        Assert.Equal(8088, cache.Port);
        Assert.Equal(8089, cache.ProxyPort);
        Assert.Equal("http://cache.internal:8088/", cache.ExternalServer);
        Assert.Equal("http://proxy.internal:9000", cache.ActionsCacheUrlOverride);
        Assert.Equal("s3cr3t", cache.Secret);

        var container = config.Container;
        Assert.Equal("ci-net", container.Network);
        Assert.True(container.EnableIpv6);
        Assert.True(container.Privileged);
        Assert.Equal("--volume /etc/ssl/certs:/etc/ssl/certs:ro", container.Options);
        Assert.Equal("builds", container.WorkdirParent);
        Assert.Equal(["data", "**"], container.ValidVolumes);
        Assert.Equal("unix:///run/podman/podman.sock", container.DockerHost);
        Assert.True(container.ForcePull);
        Assert.True(container.ForceRebuild);

        Assert.Equal("/srv/act", config.Host.WorkdirParent);

        var actions = config.Actions;
        Assert.Equal("/var/cache/kube-runner/actions", actions.CacheDir);
        Assert.Equal(1536L << 20, actions.CacheMaxSize);
        Assert.Equal(TimeSpan.Zero, actions.ResolveTtl);
        Assert.Equal(TimeSpan.FromMinutes(10), actions.DownloadTimeout);

        var docker = config.Docker;
        Assert.Equal("tcp://10.0.0.7:2375", docker.Host);
        Assert.Equal("/opt/kube-runner/executor-bundle", docker.ExecutorBundle);
        Assert.Equal("always", docker.Pull);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("yes", true)]
    [InlineData("Yes", true)]
    [InlineData("on", true)]
    [InlineData("ON", true)]
    [InlineData("'true'", true)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    [InlineData("no", false)]
    [InlineData("No", false)]
    [InlineData("off", false)]
    [InlineData("Off", false)]
    public void Load_BooleanSpellings_AreAccepted(string text, bool expected)
    {
        var config = _host.Load($"runner:\n  insecure: {text}\ncache:\n  enabled: {text}\n");

        Assert.Equal(expected, config.Runner.Insecure);
        Assert.Equal(expected, config.Cache.Enabled);
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData("+3", 3)]
    [InlineData("'7'", 7)]
    [InlineData("2147483647", int.MaxValue)]
    public void Load_IntegerForms_AreAccepted(string text, int expected)
    {
        var config = _host.Load($"runner:\n  capacity: {text}\n");

        Assert.Equal(expected, config.Runner.Capacity);
    }

    [Theory]
    [InlineData("TRACE", "trace")]
    [InlineData("Debug", "debug")]
    [InlineData("warning", "warn")]
    [InlineData("ERROR", "error")]
    [InlineData("fatal", "fatal")]
    [InlineData("panic", "panic")]
    public void Load_LogLevelSpellings_AreNormalized(string text, string expected)
    {
        var config = _host.Load($"log:\n  level: {text}\n  job_level: {text}\n");

        Assert.Equal(expected, config.Log.Level);
        Assert.Equal(expected, config.Log.JobLevel);
    }

    [Fact]
    public void Load_ScalarsOfOtherTypesInTextKeys_AreTakenAsText()
    {
        // container.options is checked as docker run flags, so another text key takes the number.
        var config = _host.Load("runner:\n  file: 123\ncontainer:\n  network: yes\ncache:\n  external_server: 1.5\n");

        Assert.Equal("123", config.Runner.File);
        Assert.Equal("yes", config.Container.Network);
        Assert.Equal("1.5", config.Cache.ExternalServer);
    }

    [Fact]
    public void Load_FlowStyleCollections_AreAccepted()
    {
        var config = _host.Load("runner:\n  labels: [a:host, 'b:docker://alpine:3']\n  envs: {A: '1', B: two}\n");

        Assert.Equal(["a:host", "b:docker://alpine:3"], config.Runner.Labels);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two" }, config.Runner.Envs);
    }

    [Fact]
    public void Load_YamlAnchorsAndAliases_AreResolved()
    {
        var config = _host.Load("runner:\n  timeout: &long 2h\n  shutdown_timeout: *long\n");

        Assert.Equal(TimeSpan.FromHours(2), config.Runner.ShutdownTimeout);
    }

    [Fact]
    public void Load_DurationZeroWithoutUnit_IsAccepted()
    {
        var config = _host.Load("runner:\n  shutdown_timeout: 0\n  report_retry:\n    max_delay: 0\n");

        Assert.Equal(TimeSpan.Zero, config.Runner.ShutdownTimeout);
        Assert.Equal(TimeSpan.Zero, config.Runner.ReportRetry.MaxDelay);
    }
}
