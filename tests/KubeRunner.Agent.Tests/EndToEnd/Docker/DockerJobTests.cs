using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.Docker;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.EndToEnd.Docker;

public sealed class DockerJobTests
{
    [Fact]
    public async Task Job_DebianImageBashSteps_RunInAContainerWithTheWorkspaceUnderWorkspace()
    {
        var runner = await DockerRunner.StartAsync(TestImage.Debian);
        var task = await runner.RunThenStopAsync("""
            on: push
            jobs:
              build:
                runs-on: linux
                steps:
                  - run: echo "one" && echo "two"
                  - run: echo "bash=${BASH_VERSION:+yes} workspace=$GITHUB_WORKSPACE pwd=$PWD"
                  - run: uname -n
            """);

        Assert.True(task.Result == Result.Success, runner.Explain(task));
        Assert.Equal(["one", "two"], task.StepRows(0));
        Assert.Equal(["bash=yes workspace=/workspace/owner/repo pwd=/workspace/owner/repo"], task.StepRows(1));
        var node = Assert.Single(task.StepRows(2));
        Assert.NotEqual(Environment.MachineName, node);
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }

    [Fact]
    public async Task Job_HashFilesInAnImageWithoutOpenSsl_HashesLikeForgejoRunner()
    {
        // hashFiles(): SHA-256 over the SHA-256 of each file; the busybox image has no libcrypto.
        var file = System.Security.Cryptography.SHA256.HashData("hello\n"u8);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
        var runner = await DockerRunner.StartAsync(TestImage.Busybox);
        var task = await runner.RunThenStopAsync("""
            on: push
            jobs:
              build:
                runs-on: linux
                defaults:
                  run:
                    shell: sh
                steps:
                  - run: echo hello > greeting.txt
                  - run: echo "key-${{ hashFiles('*.txt') }}"
            """);

        Assert.True(task.Result == Result.Success, runner.Explain(task));
        Assert.Equal([$"key-{expected}"], task.StepRows(1));
    }

    [Fact]
    public async Task Job_BusyboxImageShSteps_RunWithoutLibcInTheImage()
    {
        var runner = await DockerRunner.StartAsync(TestImage.Busybox);
        var task = await runner.RunThenStopAsync("""
            on: push
            jobs:
              build:
                runs-on: linux
                defaults:
                  run:
                    shell: sh
                steps:
                  - run: echo "sh in $GITHUB_WORKSPACE"
                  - shell: sh
                    run: |
                      case $- in *e*) echo "errexit";; esac
                      echo "temp=$RUNNER_TEMP"
            """);

        Assert.True(task.Result == Result.Success, runner.Explain(task));
        Assert.Equal(["sh in /workspace/owner/repo"], task.StepRows(0));
        Assert.Equal(["errexit", "temp=/var/run/act/tmp"], task.StepRows(1));
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }

    [Fact]
    public async Task Job_ImageThatCannotBePulled_FailsNamingTheImageAndLeavesNothing()
    {
        var runner = await DockerRunner.StartAsync(TestImage.Busybox);
        var task = await runner.RunThenStopAsync("""
            on: push
            jobs:
              build:
                runs-on: linux
                container:
                  image: kr-test/nonexistent
                steps:
                  - run: echo never
            """);

        Assert.True(task.Result == Result.Failure, runner.Explain(task));
        Assert.Contains("The image kr-test/nonexistent could not be pulled: ", task.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain("never", task.Text(), StringComparison.Ordinal);
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }

    [Fact]
    public async Task Job_CancelledMidStep_RunsCancelledStepsInTheContainerThenRemovesIt()
    {
        var runner = await DockerRunner.StartAsync(TestImage.Debian);
        FakeTask task;
        await using (runner)
        {
            var running = await runner.StartUntilRowAsync("""
                on: push
                jobs:
                  long:
                    runs-on: linux
                    steps:
                      - run: |
                          echo "step is running"
                          sleep 300
                      - if: cancelled()
                        run: echo "cancelled ran in $GITHUB_WORKSPACE"
                """, "step is running");

            runner.Forge.CancelTask(running.Id);

            // The container goes within 10 s of the cancel, while the daemon still runs (not at its shutdown).
            var left = await DockerRunner.LeftoversAfterAsync(runner.RunnerUuid, TimeSpan.FromSeconds(10));
            task = await runner.Forge.WaitForTaskAsync(running.Id, t => t.LogArchived, TestTimeouts.Scenario);
            Assert.True(left.Count == 0, $"left 10 s after the cancel: {string.Join(", ", left)}\n{runner.Explain(task)}");
        }

        Assert.True(task.Result == Result.Cancelled, runner.Explain(task));
        Assert.Contains("cancelled ran in /workspace/owner/repo", task.Rows());
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }

    [Fact]
    public async Task Job_ExecutorKilledInsideTheContainer_FailsSayingItWasKilledAndLeavesNothing()
    {
        var runner = await DockerRunner.StartAsync(TestImage.Debian);
        FakeTask task;
        await using (runner)
        {
            var running = await runner.StartUntilRowAsync("""
                on: push
                jobs:
                  long:
                    runs-on: linux
                    steps:
                      - run: |
                          echo "step is running"
                          sleep 300
                """, "step is running");

            // The executor is the container's PID 1: killing it from outside is what an OOM kill or a crash looks like.
            await DockerCli.RunCheckedAsync("kill", "--signal", "KILL", await DockerRunner.JobContainerAsync(runner.RunnerUuid, running.Id));

            task = await runner.Forge.WaitForTaskAsync(running.Id, t => t.IsDone, TestTimeouts.Scenario);
            Assert.Empty(await DockerRunner.LeftoversAfterAsync(runner.RunnerUuid, TestTimeouts.Default));
        }

        Assert.True(task.Result == Result.Failure, runner.Explain(task));
        Assert.Contains("The executor ended (exit code 137: killed by SIGKILL) without reporting the job's result.", task.Text(), StringComparison.Ordinal);
    }
}
