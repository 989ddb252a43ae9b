using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Backends.Docker;

public sealed class ContainerParametersTests
{
    private static readonly Dictionary<string, string> TaskLabels = new() { ["kube-runner.runner"] = "uuid", ["kube-runner.task"] = "7" };

    [Fact]
    public void Service_Spec_GetsLabelsAliasEnvCmdPortsHealthAndAllowedVolumes()
    {
        var profile = LabelProfile.For(new RunnerConfig { Container = new ContainerOptions { Options = "-e FROM_RUNNER=1 --cpus 2" } }, "linux");
        var parameters = new ContainerParameters(profile, ["data"], "/var/run/docker.sock", TaskLabels, "net-7");
        var spec = new WorkflowContainer("My_DB", "postgres:16", [new("POSTGRES_PASSWORD", "pw")], "", ["data:/var/lib/data", "/etc:/etc2"],
            ["5432", "127.0.0.1:8080:80/udp"], null, ["postgres", "-c", "fsync=off"], null);
        List<string> dropped = [];

        var created = parameters.Service("kube-runner-7-abc-my_db", "postgres:16", spec,
            DockerRunOptions.ParseWorkflow("--health-cmd pg_isready --health-interval 2s -v logs:/logs").Settings, dropped);

        Assert.Equal("kube-runner-7-abc-my_db", created.Name);
        Assert.Equal("My_DB", created.Labels[ContainerParameters.ServiceLabel]);
        Assert.Equal("7", created.Labels["kube-runner.task"]);
        Assert.Equal(["my_db"], created.NetworkingConfig!.EndpointsConfig["net-7"].Aliases);
        Assert.Equal("net-7", created.HostConfig!.NetworkMode);
        Assert.Equal(["FROM_RUNNER=1", "POSTGRES_PASSWORD=pw"], created.Env);
        Assert.Equal(["postgres", "-c", "fsync=off"], created.Cmd);
        Assert.Equal(["CMD-SHELL", "pg_isready"], created.Healthcheck!.Test);
        Assert.Equal(["data:/var/lib/data"], created.HostConfig.Binds);
        Assert.Equal(["/etc", "logs"], dropped);
        Assert.Equal(2_000_000_000, created.HostConfig.NanoCPUs);
        Assert.Equal("", created.HostConfig.PortBindings["5432/tcp"][0].HostPort);
        Assert.Equal("8080", created.HostConfig.PortBindings["80/udp"][0].HostPort);
        Assert.Equal("127.0.0.1", created.HostConfig.PortBindings["80/udp"][0].HostIP);
        Assert.False(created.HostConfig.Privileged);
    }

    [Fact]
    public void Job_Spec_GetsTheExecutorTheRunnersBindsAndTheDockerSocket()
    {
        var profile = LabelProfile.For(new RunnerConfig { Container = new ContainerOptions { Privileged = true } }, "linux");
        var parameters = new ContainerParameters(profile, [], "/var/run/docker.sock", TaskLabels, "net-7");
        List<string> dropped = [];

        var created = parameters.Job("kube-runner-7-abc", "debian", WorkflowContainer.None,
            DockerRunOptions.ParseWorkflow("--memory 256m --hostname box").Settings, ["KUBE_RUNNER_TASK_ID=7"], "/workspace",
            ["/agent:/__kube-runner-agent:ro", "vol-workspace:/workspace"], dropped);

        Assert.Equal([BundleArchiveExecutable], created.Entrypoint);
        Assert.Equal(["KUBE_RUNNER_TASK_ID=7"], created.Env);
        Assert.Equal(["/agent:/__kube-runner-agent:ro", "vol-workspace:/workspace", "/var/run/docker.sock:/var/run/docker.sock"], created.HostConfig!.Binds);
        Assert.Equal(256L << 20, created.HostConfig.Memory);
        Assert.True(created.HostConfig.Privileged);
        Assert.Equal("box", created.Hostname);
        Assert.Null(created.Healthcheck);
        Assert.Empty(dropped);
    }

    private static string BundleArchiveExecutable => KubeRunner.Agent.Backends.Docker.BundleArchive.Executable;
}
