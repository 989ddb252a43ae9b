using KubeRunner.Agent.Tests.Cli;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.EndToEnd;

/// <summary>The agent is killed while a host job runs; the next agent process takes the job over.</summary>
public sealed class AgentRestartTests
{
    [Fact]
    public async Task Daemon_KilledMidJobAndRestarted_TaskCompletesWithEveryRowOnce()
    {
        await using var forge = await FakeForge.StartAsync();
        var registered = forge.AddRunner("host-runner", ["linux"]);
        using var cli = new CliRun();
        DaemonCommandTests.WriteRunnerFile(cli, forge.Url, registered.Uuid, registered.Token, "linux:host");
        cli.Write("config.yaml", $"runner:\n  fetch_interval: 100ms\n  report_interval: 200ms\nexecutor:\n  path: {ExecutorBuild.Path}\n");
        var job = forge.EnqueueJob(new FakeJob { WorkflowYaml = RestartJob.Workflow(4), RunsOn = ["linux"] });

        using (var first = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml"))
        {
            await first.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.LogRows.Any(r => r.Content == "first"), TestTimeouts.Scenario));
            first.KillAgentOnly();
            await first.WaitForExitAsync(TestTimeouts.Default);
        }

        using var second = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml");
        var task = await second.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Scenario));
        second.Terminate();
        await second.WaitForExitAsync(TestTimeouts.Scenario);

        RestartJob.AssertEveryRowOnce(task, second.Error);
    }

    [Fact]
    public async Task Daemon_ExecutorKilledWhileTheAgentWasDown_FailsTheTaskAndCountsTheLostExecutor()
    {
        await using var forge = await FakeForge.StartAsync();
        var registered = forge.AddRunner("host-runner", ["linux"]);
        using var cli = new CliRun();
        using var status = new StatusClient();
        DaemonCommandTests.WriteRunnerFile(cli, forge.Url, registered.Uuid, registered.Token, "linux:host");
        cli.Write("config.yaml", $"runner:\n  fetch_interval: 100ms\n  report_interval: 200ms\nexecutor:\n  path: {ExecutorBuild.Path}\nhttp:\n  listen: {status.Listen}\n");
        var job = forge.EnqueueJob(new FakeJob { WorkflowYaml = RestartJob.Workflow(30), RunsOn = ["linux"] });

        using (var first = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml"))
        {
            await first.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.LogRows.Any(r => r.Content == RestartJob.FirstRow), TestTimeouts.Scenario));
            var executor = await ExecutorOfRecordAsync(cli.Directory);
            first.KillAgentOnly();
            await first.WaitForExitAsync(TestTimeouts.Default);
            // Started by this test's agent: killed by its pid, which the agent's task record names.
            executor.Kill();
            await executor.WaitForExitAsync();
        }

        using var second = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml");
        var task = await second.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Scenario));
        var metrics = await second.WhileRunningAsync(status.WaitForMetricAsync("kube_runner_backend_failures_total{backend=\"host\",reason=\"executor_lost\"}", v => v == 1));
        second.Terminate();
        await second.WaitForExitAsync(TestTimeouts.Scenario);

        Assert.Equal(Protocol.Runner.V1.Result.Failure, task.Result);
        Assert.Equal(1, StatusClient.Sample(metrics.Body, "kube_runner_tasks_finished_total{result=\"failure\"}"));
    }

    /// <summary>The executor process of the one task the agent keeps a record of, once the record is written.</summary>
    private static async Task<System.Diagnostics.Process> ExecutorOfRecordAsync(string home)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.EnumerateFiles(home, "*.json", SearchOption.AllDirectories).FirstOrDefault(f => f.Contains("kube-runner-tasks", StringComparison.Ordinal)) is { } record)
            {
                using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(record));
                return System.Diagnostics.Process.GetProcessById(json.RootElement.GetProperty("ExecutorPid").GetInt32());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"no task record under {home}");
    }
}
