using KubeRunner.Agent.Configuration;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Agent.Tests.Deployment;

/// <summary>
/// deploy/docker/config.yaml, the configuration of the container variant of the VM install, loads
/// cleanly and fits the agent image it is mounted into.
/// </summary>
public sealed class ContainerConfigTests
{
    private static readonly string Repository = ExecutorBundle.RepositoryRoot();

    [Fact]
    public void Config_OfTheContainerVariant_LoadsWithoutWarningAndReachesJobsThroughItsContainer()
    {
        var config = ConfigLoader.Load(Path.Combine(Repository, "deploy", "docker", "config.yaml"),
            new Dictionary<string, string>(), "/var/lib/kube-runner", "/var/lib/kube-runner");

        Assert.Empty(config.Warnings);
        Assert.Equal("container:kube-runner", config.Docker.Agent);
        Assert.NotEmpty(config.Executor.Listen);
        Assert.True(config.Docker.Profiles.ContainsKey("fenced"), "the fenced label has no Docker profile");
        // The state the image's user may write: its HOME, the volume of the documented docker run.
        Assert.Contains("HOME=/var/lib/kube-runner", File.ReadAllText(Path.Combine(Repository, "deploy", "docker", "agent.Dockerfile")), StringComparison.Ordinal);
        Assert.StartsWith("/var/lib/kube-runner/", config.Runner.File, StringComparison.Ordinal);
        Assert.Equal("/var/lib/kube-runner", config.Host.WorkdirParent);
    }
}
