using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Tests.Configuration;

public sealed class DockerProfileConfigTests : IDisposable
{
    private readonly ConfigTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Load_Profiles_ReadsEveryKey()
    {
        var config = _host.Load("""
            docker:
              profiles:
                big:
                  image: kr-test/debian
                  cpus: 1.5
                  memory: 8g
                  privileged: true
                  network: ""
                  options: --shm-size 1g --ulimit nofile=1024:2048
                small:
            """);

        var big = config.Docker.Profiles["big"];
        Assert.Equal("kr-test/debian", big.Image);
        Assert.Equal(1.5, big.Cpus);
        Assert.Equal("8g", big.Memory);
        Assert.Equal(8L << 30, big.MemoryBytes);
        Assert.True(big.Privileged);
        Assert.Equal("", big.Network);
        Assert.Equal("--shm-size 1g --ulimit nofile=1024:2048", big.Options);
        Assert.Equal(new DockerProfile(), config.Docker.Profiles["small"]);
    }

    [Theory]
    [InlineData("docker:\n  profiles:\n    big:\n      cpu: 2\n", "config.yaml:4: docker.profiles.big.cpu: unknown profile key (use image, cpus, memory, privileged, network, options)")]
    [InlineData("docker:\n  profiles:\n    big:\n      cpus: many\n", "config.yaml:4: docker.profiles.big.cpus: 'many' is not a positive number of CPUs (e.g. 4 or 1.5)")]
    [InlineData("docker:\n  profiles:\n    big:\n      memory: lots\n", "config.yaml:4: docker.profiles.big.memory: 'lots' is not a memory size (a number of bytes with an optional unit k, m, g or t, e.g. 512m or 8g)")]
    [InlineData("docker:\n  profiles:\n    big:\n      privileged: maybe\n", "config.yaml:4: docker.profiles.big.privileged: 'maybe' is not a boolean (use true or false)")]
    [InlineData("docker:\n  profiles:\n    big: 2\n", "config.yaml:3: docker.profiles.big: expected a mapping of profile keys (image, cpus, memory, privileged, network, options), found '2'")]
    [InlineData("docker:\n  profiles:\n    big:\n      options: --privileged\n", "config.yaml:4: docker.profiles.big.options: --privileged is not allowed in options; set privileged: true instead")]
    [InlineData("docker:\n  profiles:\n    big:\n      options: --nope\n", "config.yaml:4: docker.profiles.big.options: --nope is not a docker run option")]
    [InlineData("container:\n  options: --gpus all\n", "config.yaml:2: container.options: --gpus is not supported in options (supported: --add-host, --cap-add, --cap-drop, --cpus, --dns, --env, --health-cmd, --health-interval, --health-retries, --health-start-period, --health-timeout, --hostname, --memory, --no-healthcheck, --pids-limit, --platform, --security-opt, --shm-size, --tmpfs, --ulimit, --user, --volume)")]
    public void Load_BadProfile_FailsWithLineAndKey(string yaml, string expected)
    {
        Assert.Equal(expected, _host.LoadFails(yaml).Message);
    }

    [Fact]
    public void For_ProfileOverridesTheContainerSection()
    {
        var config = _host.Load("""
            container:
              privileged: true
              network: shared
              options: --memory 2g -e FROM=global
            docker:
              profiles:
                linux:
                  privileged: false
                  options: -e FROM=profile --cpus 3
            """);

        var profile = LabelProfile.For(config, "linux");
        var other = LabelProfile.For(config, "other");

        Assert.False(profile.Privileged);
        Assert.Equal("shared", profile.Network);
        Assert.Equal(3, profile.Cpus);
        Assert.Equal(2L << 30, profile.Memory);
        Assert.Equal(["FROM=global", "FROM=profile"], profile.Settings.Env);
        Assert.True(other.Privileged);
        Assert.Null(other.Cpus);
    }

    [Fact]
    public void CheckMemory_OverTheCap_NamesBothValues()
    {
        var config = _host.Load("docker:\n  profiles:\n    linux:\n      memory: 1g\n");
        var profile = LabelProfile.For(config, "linux");
        var service = WorkflowContainer.None with { ServiceId = "db" };

        Assert.Equal("The options of service 'db' ask for --memory 2g, more than the 1g this runner allows (docker.profiles.linux.memory).",
            profile.CheckMemory(service, DockerRunOptions.ParseWorkflow("--memory 2g").Settings));
        Assert.Null(profile.CheckMemory(service, DockerRunOptions.ParseWorkflow("--memory 1g").Settings));
        Assert.Null(LabelProfile.For(config, "other").CheckMemory(service, DockerRunOptions.ParseWorkflow("--memory 64g").Settings));
    }
}
