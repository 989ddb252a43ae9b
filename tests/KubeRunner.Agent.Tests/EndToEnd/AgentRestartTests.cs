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
}
