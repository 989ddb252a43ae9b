using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class DockerConfigTests : IDisposable
{
    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Load_NoDockerSection_UsesTheUsualSocketAndPullsMissingImages()
    {
        var config = _host.LoadWithoutFile();

        Assert.Equal("unix:///var/run/docker.sock", config.Docker.Host);
        Assert.Equal("", config.Docker.ExecutorBundle);
        Assert.Equal(DockerOptions.PullMissing, config.Docker.Pull);
    }

    [Fact]
    public void Load_DockerHostVariable_IsTheDefaultHost()
    {
        _host.Environment["DOCKER_HOST"] = "unix:///run/user/1000/docker.sock";

        Assert.Equal("unix:///run/user/1000/docker.sock", _host.LoadWithoutFile().Docker.Host);
    }

    [Theory]
    [InlineData("-", "unix:///from-env.sock")]
    [InlineData("automount", "unix:///from-env.sock")]
    [InlineData("unix:///run/podman/podman.sock", "unix:///run/podman/podman.sock")]
    public void Load_ContainerDockerHost_IsTheDefaultOnlyWhenItNamesADaemon(string containerHost, string expected)
    {
        _host.Environment["DOCKER_HOST"] = "unix:///from-env.sock";

        Assert.Equal(expected, _host.Load($"container:\n  docker_host: '{containerHost}'\n").Docker.Host);
    }

    [Fact]
    public void Load_ForcePull_MeansPullAlwaysUnlessDockerPullIsSet()
    {
        Assert.Equal(DockerOptions.PullAlways, _host.Load("container:\n  force_pull: true\n").Docker.Pull);
        Assert.Equal(DockerOptions.PullMissing, _host.Load("container:\n  force_pull: true\ndocker:\n  pull: missing\n").Docker.Pull);
    }

    [Fact]
    public void Load_RelativeExecutorBundle_IsMadeAbsolute()
    {
        var config = _host.Load("docker:\n  executor_bundle: bundle\n");

        Assert.Equal(Path.Combine(_host.Directory.Path, "bundle"), config.Docker.ExecutorBundle);
    }

    [Fact]
    public void Load_UnknownPullPolicy_ThrowsNamingTheKey()
    {
        var exception = _host.LoadFails("docker:\n  pull: sometimes\n");

        Assert.Equal("config.yaml:2: docker.pull: 'sometimes' is not a pull policy (use missing or always)", exception.Message);
    }

    [Fact]
    public void Load_HostThatIsNoAddress_ThrowsNamingTheKey()
    {
        var exception = _host.LoadFails("docker:\n  host: /var/run/docker.sock\n");

        Assert.Equal("config.yaml:2: docker.host: '/var/run/docker.sock' is not a Docker address (use unix:///path/docker.sock or tcp://host:port)", exception.Message);
    }

    [Theory]
    [InlineData("docker:\n  agent: bridge\n", "config.yaml:2: docker.agent: 'bridge' is not a way to reach the agent (use socket, host-gateway or container:<name of the agent's container>)")]
    [InlineData("docker:\n  agent: 'container:'\n", "config.yaml:2: docker.agent: 'container:' is not a way to reach the agent (use socket, host-gateway or container:<name of the agent's container>)")]
    [InlineData("docker:\n  agent: host-gateway\n", "config.yaml:2: docker.agent: 'host-gateway' needs executor.listen, the TCP address job containers dial (e.g. 0.0.0.0:9700)")]
    public void Load_AgentReachThatCannotWork_ThrowsNamingTheKey(string yaml, string expected)
    {
        Assert.Equal(expected, _host.LoadFails(yaml).Message);
    }

    [Fact]
    public void Load_AgentInAContainer_IsKeptWithItsName()
    {
        var config = _host.Load("executor:\n  listen: 0.0.0.0:9700\ndocker:\n  agent: container:kube-runner\n");

        Assert.Equal("container:kube-runner", config.Docker.Agent);
        Assert.Equal("http://kube-runner-agent:9700", KubeRunner.Agent.Backends.Docker.AgentReach.From(config.Docker, config.Executor).ExecutorUrl);
    }
}
