using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.Docker;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.EndToEnd.Docker;

public sealed class DockerCancelTests
{
    [Fact]
    public async Task Job_CancelledMidStep_RunsCancelledStepsInTheContainerThenRemovesIt()
    {
        var runner = await DockerRunner.StartAsync(TestImage.Debian);
        FakeTask task;
        await using (runner)
        {
            var job = runner.Enqueue("""
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
                """);
            var running = await runner.Forge.WaitForTaskAsync(
                t => t.JobId == job && t.LogRows.Any(r => r.Content == "step is running"), TestTimeouts.Scenario);

            runner.Forge.CancelTask(running.Id);

            task = await runner.Forge.WaitForTaskAsync(running.Id, t => t.LogArchived, TestTimeouts.Scenario);
        }

        Assert.True(task.Result == Result.Cancelled, runner.Explain(task));
        Assert.Contains("cancelled ran in /workspace/owner/repo", task.Rows());
        Assert.Empty(await DockerRunner.LeftoversAsync(runner.RunnerUuid));
    }
}
