using KubeRunner.Agent.Tests.Cli;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.EndToEnd;

/// <summary>The agent is killed while a host job runs; the next agent process takes the job over.</summary>
public sealed class AgentRestartTests
{
    private const string Workflow = """
        on: push
        jobs:
          build:
            runs-on: linux
            steps:
              - name: before and during the restart
                run: |
                  echo first
                  sleep 4
                  echo after the sleep
              - name: after the restart
                run: for i in $(seq 1 200); do echo "row $i"; done
        """;

    [Fact]
    public async Task Daemon_KilledMidJobAndRestarted_TaskCompletesWithEveryRowOnce()
    {
        await using var forge = await FakeForge.StartAsync();
        var registered = forge.AddRunner("host-runner", ["linux"]);
        using var cli = new CliRun();
        DaemonCommandTests.WriteRunnerFile(cli, forge.Url, registered.Uuid, registered.Token, "linux:host");
        cli.Write("config.yaml", $"runner:\n  fetch_interval: 100ms\n  report_interval: 200ms\nexecutor:\n  path: {ExecutorBuild.Path}\n");
        var job = forge.EnqueueJob(new FakeJob { WorkflowYaml = Workflow, RunsOn = ["linux"] });

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

        var rows = task.LogRows.Select(r => r.Content).ToList();
        Assert.True(task.Result == Result.Success, string.Join("\n", rows) + "\n--- agent:\n" + second.Error);
        // Every row the executor produced is on the forge exactly once, in order.
        var start = rows.IndexOf("first");
        string[] expected = ["first", "after the sleep", .. Enumerable.Range(1, 200).Select(i => $"row {i}")];
        Assert.Equal(expected, rows.Skip(start).Take(expected.Length));
        Assert.Single(rows, r => r == "first");
        Assert.Equal([Result.Success, Result.Success], task.Steps.Select(s => s.Result));
        var second200 = task.Steps[1];
        Assert.Equal(200, second200.LogLength);
        Assert.Equal("row 1", rows[(int)second200.LogIndex]);
        Assert.Equal(start, task.Steps[0].LogIndex);
    }
}
