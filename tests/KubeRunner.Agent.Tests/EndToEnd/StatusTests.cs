using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Tests.EndToEnd;

public sealed class StatusTests
{
    [Fact]
    public async Task Job_AfterFailedStep_RunsOnlyFailureAndAlwaysSteps()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              status:
                runs-on: linux
                steps:
                  - id: broken
                    run: exit 1
                  - run: echo "default ran"
                  - if: failure()
                    run: echo "failure ran ${{ steps.broken.outcome }}/${{ steps.broken.conclusion }} job=${{ job.status }}"
                  - if: always()
                    run: echo "always ran"
                  - if: success()
                    run: echo "success ran"
                  - if: cancelled()
                    run: echo "cancelled ran"
            """);

        Assert.True(task.Result == Result.Failure, task.Text());
        Assert.Equal(
            [Result.Failure, Result.Skipped, Result.Success, Result.Success, Result.Skipped, Result.Skipped],
            task.Steps.Select(s => s.Result));
        Assert.Equal(["failure ran failure/failure job=failure"], task.StepRows(2));
        Assert.Equal(["always ran"], task.StepRows(3));
        Assert.DoesNotContain(task.Rows(), r => r is "default ran" or "success ran" or "cancelled ran");
    }

    [Fact]
    public async Task Job_ContinueOnError_StaysGreenWhileStepReportsFailure()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              tolerant:
                runs-on: linux
                steps:
                  - id: flaky
                    continue-on-error: true
                    run: exit 7
                  - run: echo "next ran ${{ steps.flaky.outcome }}/${{ steps.flaky.conclusion }} ${{ job.status }}"
                  - if: failure()
                    run: echo "failure ran"
            """);

        Assert.True(task.Result == Result.Success, task.Text());
        Assert.Equal([Result.Failure, Result.Success, Result.Skipped], task.Steps.Select(s => s.Result));
        Assert.Contains(task.StepRows(0), r => r.Contains("continue-on-error", StringComparison.Ordinal));
        Assert.Equal(["next ran failure/success success"], task.StepRows(1));
    }

    [Theory]
    [InlineData("false")]
    [InlineData("${{ false }}")]
    [InlineData("${{ vars.TOLERATE == 'yes' }}")]
    public async Task Job_ContinueOnErrorFalse_FailsTheJob(string value)
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync($$"""
            on: push
            jobs:
              strict:
                runs-on: linux
                steps:
                  - continue-on-error: {{value}}
                    run: exit 7
            """);

        Assert.True(task.Result == Result.Failure, task.Text());
        Assert.DoesNotContain(task.StepRows(0), r => r.Contains("continue-on-error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Step_TimeoutMinutes_StopsSleepingStepAndFailsJob()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              slow:
                runs-on: linux
                steps:
                  - id: sleeper
                    timeout-minutes: 0.02
                    run: sleep 30
                  - if: always()
                    run: echo "always ran ${{ steps.sleeper.outcome }}"
            """);

        Assert.True(task.Result == Result.Failure, task.Text());
        Assert.Equal([Result.Failure, Result.Success], task.Steps.Select(s => s.Result));
        var sleeper = task.Steps[0];
        Assert.True(sleeper.StoppedAt - sleeper.StartedAt < TimeSpan.FromSeconds(15), $"the step took {sleeper.StoppedAt - sleeper.StartedAt}");
        Assert.Contains(task.StepRows(0), r => r.Contains("timeout", StringComparison.Ordinal));
        Assert.Equal(["always ran failure"], task.StepRows(1));
    }

    [Fact]
    public async Task Job_TimeoutMinutes_CancelsJobAndStillRunsAlwaysStep()
    {
        await using var runner = await HostRunner.StartAsync();

        var task = await runner.RunAsync("""
            on: push
            jobs:
              slow:
                runs-on: linux
                timeout-minutes: 0.02
                steps:
                  - run: sleep 30
                  - run: echo "default ran"
                  - if: always()
                    run: echo "always ran ${{ job.status }}"
            """);

        Assert.True(task.Result == Result.Cancelled, runner.Explain(task));
        Assert.Equal([Result.Cancelled, Result.Skipped, Result.Success], task.Steps.Select(s => s.Result));
        Assert.True(task.StoppedAt - task.StartedAt < TimeSpan.FromSeconds(25), $"the job took {task.StoppedAt - task.StartedAt}");
        Assert.Equal(["always ran cancelled"], task.StepRows(2));
        Assert.DoesNotContain("default ran", task.Rows());
    }

    [Fact]
    public async Task Job_RunnerTimeout_CancelsWithForgejoRunnersMessageAndStillRunsAlwaysStep()
    {
        // Short, so that on a busy machine the limit may fire while the executor starts or a step is
        // being cancelled: either way the job ends cancelled with the runner's words.
        await using var runner = await HostRunner.StartAsync(runnerConfig: "  timeout: 3s\n");

        var task = await runner.RunAsync("""
            on: push
            jobs:
              slow:
                runs-on: linux
                steps:
                  - run: sleep 30
                  - if: always()
                    run: echo "always ran ${{ job.status }}"
            """);

        Assert.True(task.Result == Result.Cancelled, runner.Explain(task));
        // On a busy machine the executor may start after the limit: then the first step never starts.
        Assert.Contains(task.Steps[0].Result, (Result[])[Result.Cancelled, Result.Skipped]);
        Assert.Equal(Result.Success, task.Steps[1].Result);
        Assert.Equal(["always ran cancelled"], task.StepRows(1));
        Assert.Single(task.Rows(), r => r.Contains("The runner cancelled the job because it exceeds the maximum run time", StringComparison.Ordinal));
    }
}
