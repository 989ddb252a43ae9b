using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Agent.Tests.EndToEnd.Docker;

public sealed class JobContainerTests
{
    [Fact]
    public async Task Job_ContainerImage_OverridesTheLabelImageAndItsEnvReachesSteps()
    {
        var debian = await TestImages.EnsureAsync(TestImage.Debian);
        // The label's image is busybox, which has no bash: the step can only pass in the job's Debian image.
        var runner = await DockerRunner.StartAsync(TestImage.Busybox);
        var task = await runner.RunThenStopAsync("""
            on: push
            jobs:
              build:
                runs-on: linux
                container:
                  image: ${{ vars.IMAGE }}
                  env:
                    FROM_CONTAINER: ${{ vars.GREETING }} in the container
                  volumes:
                    - /etc:/host-etc
                  options: --cpus 2 --hostname job-host
                steps:
                  - shell: bash
                    run: |
                      echo "bash=${BASH_VERSION:+yes} env=$FROM_CONTAINER host=$(cat /etc/hostname)"
                      test -e /host-etc && echo "host /etc is mounted" || echo "no host /etc"
            """, vars: new Dictionary<string, string> { ["IMAGE"] = debian, ["GREETING"] = "hello" });

        Assert.True(task.Result == Result.Success, runner.Explain(task));
        Assert.Equal(["bash=yes env=hello in the container host=job-host", "no host /etc"], task.StepRows(0));
        var rows = task.Rows();
        Assert.Contains("The volume /etc is not mounted: container.valid_volumes does not allow it", rows);
        Assert.Contains(rows, row => row.StartsWith("The options of the job container include --cpus, which this runner ignores", StringComparison.Ordinal));
        Assert.Contains($"Running the job in a Docker container of {debian}", task.Text(), StringComparison.Ordinal);
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }

    [Fact]
    public async Task Job_MemoryOverTheProfileCap_FailsNamingBothValues()
    {
        var runner = await DockerRunner.StartAsync(TestImage.Busybox, "  profiles:\n    linux:\n      memory: 64m\n");
        var task = await runner.RunThenStopAsync("""
            on: push
            jobs:
              build:
                runs-on: linux
                container:
                  options: --memory 1g
                steps:
                  - run: echo never
            """);

        Assert.True(task.Result == Result.Failure, runner.Explain(task));
        Assert.Contains("The options of the job container ask for --memory 1g, more than the 64m this runner allows (docker.profiles.linux.memory).",
            task.Rows());
        Assert.DoesNotContain("never", task.Text(), StringComparison.Ordinal);
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }

    [Fact]
    public async Task Job_OptionThatIsNoDockerFlag_FailsWithOneLineNamingIt()
    {
        var runner = await DockerRunner.StartAsync(TestImage.Busybox);
        var task = await runner.RunThenStopAsync("""
            on: push
            jobs:
              build:
                runs-on: linux
                container:
                  options: --helth-cmd true
                steps:
                  - run: echo never
            """);

        Assert.True(task.Result == Result.Failure, runner.Explain(task));
        Assert.Contains("The options of the job container cannot be used: --helth-cmd is not a docker run option.", task.Rows());
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }
}
