using KubeRunner.Agent.Tests.Cli;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.Docker;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.EndToEnd.Docker;

/// <summary>
/// The daemon as a separate process with a Docker label: killed while a job runs in its container,
/// and started again with objects of earlier tasks left in Docker.
/// </summary>
public sealed class DockerRestartTests
{
    [Fact]
    public async Task Daemon_KilledMidDockerJobAndRestarted_TaskCompletesWithEveryRowOnceAndLeavesNothing()
    {
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();
        var uuid = await WriteDockerRunnerAsync(forge, cli, TestImage.Debian);
        var job = forge.EnqueueJob(new FakeJob { WorkflowYaml = RestartJob.Workflow(6), RunsOn = ["linux"] });

        using (var first = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml"))
        {
            await first.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.LogRows.Any(r => r.Content == "first"), TestTimeouts.Scenario));
            first.KillAgentOnly();
            await first.WaitForExitAsync(TestTimeouts.Default);
        }

        // The job container outlived the agent.
        Assert.NotEmpty(await DockerRunner.LeftoversAsync(uuid));

        FakeTask task;
        using (var second = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml"))
        {
            task = await second.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Scenario));
            var left = await DockerRunner.LeftoversAfterAsync(uuid, TestTimeouts.Default);
            second.Terminate();
            await second.WaitForExitAsync(TestTimeouts.Scenario);
            Assert.True(left.Count == 0, $"left after the task: {string.Join(", ", left)}\n--- agent:\n{second.Error}");

            RestartJob.AssertEveryRowOnce(task, second.Error);
        }

        Assert.Empty(await DockerRunner.LeftoversAsync(uuid));
    }

    [Fact]
    public async Task Daemon_Start_RemovesObjectsOfTasksItNoLongerRunsAndLeavesOtherRunnersAlone()
    {
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();
        var uuid = await WriteDockerRunnerAsync(forge, cli, TestImage.Busybox);
        var otherUuid = Guid.NewGuid().ToString();
        var image = await TestImages.EnsureAsync(TestImage.Busybox);
        // A task id the runner has no record of, as a killed agent whose task then ended would leave.
        var mine = await CreateTaskObjectsAsync(image, uuid, 999_999);
        var others = await CreateTaskObjectsAsync(image, otherUuid, 999_999);
        try
        {
            Assert.Equal(3, (await DockerRunner.LeftoversAsync(uuid)).Count);

            using var agent = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml");
            // The sweep runs before the first fetch: once a job has run, it is over.
            var job = forge.EnqueueJob(new FakeJob { WorkflowYaml = "on: push\njobs:\n  j:\n    runs-on: linux\n    steps:\n      - run: echo ran\n", RunsOn = ["linux"] });
            var task = await agent.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Scenario));
            var left = await DockerRunner.LeftoversAfterAsync(uuid, TestTimeouts.Default);
            agent.Terminate();
            await agent.WaitForExitAsync(TestTimeouts.Scenario);

            Assert.True(task.Result == Result.Success, task.Text() + "\n--- agent:\n" + agent.Error);
            Assert.True(left.Count == 0, $"left: {string.Join(", ", left)}\n--- agent:\n{agent.Error}");
            Assert.Contains($"Removed container {mine[0]} left by task 999999", agent.Error + agent.Out, StringComparison.Ordinal);
            foreach (var id in mine)
            {
                Assert.False(await ExistsAsync(id), $"{id} of this runner is still there");
            }

            foreach (var id in others)
            {
                Assert.True(await ExistsAsync(id), $"{id} of another runner was removed");
            }
        }
        finally
        {
            await RemoveAsync(others);
            await RemoveAsync(mine);
        }
    }

    /// <summary>Registers a runner whose one label runs jobs in containers of <paramref name="image"/>; returns its uuid.</summary>
    private static async Task<string> WriteDockerRunnerAsync(FakeForge forge, CliRun cli, TestImage image)
    {
        var reference = await TestImages.EnsureAsync(image);
        var bundle = await ExecutorBundle.EnsureAsync();
        var registered = forge.AddRunner("docker-runner", ["linux"]);
        DaemonCommandTests.WriteRunnerFile(cli, forge.Url, registered.Uuid, registered.Token, $"linux:docker://{reference}");
        // A directory of its own for the socket: it is what the job container gets to see of the agent.
        cli.Write("config.yaml", "runner:\n  fetch_interval: 100ms\n  report_interval: 200ms\n"
            + $"executor:\n  path: {ExecutorBuild.Path}\n  socket: agent/kube-runner.sock\n  kill_grace: 2s\n"
            + $"docker:\n  executor_bundle: {bundle.Directory}\n");
        return registered.Uuid;
    }

    /// <summary>A network, a volume and a running container on both, labelled as the Docker backend labels a task's objects.</summary>
    private static async Task<string[]> CreateTaskObjectsAsync(string image, string runnerUuid, long taskId)
    {
        string[] labels = ["--label", $"kube-runner.runner={runnerUuid}", "--label", $"kube-runner.task={taskId}", "--label", DockerCli.TestLabel];
        var name = $"kr-test-leftover-{Guid.NewGuid():N}";
        var network = (await DockerCli.RunCheckedAsync(["network", "create", .. labels, name])).Trim();
        var volume = (await DockerCli.RunCheckedAsync(["volume", "create", .. labels, name])).Trim();
        var container = (await DockerCli.RunCheckedAsync(["run", "-d", .. labels, "--network", name, "-v", $"{volume}:/data", image, "sleep", "300"])).Trim();
        return [container, network, volume];
    }

    private static async Task<bool> ExistsAsync(string id) => (await DockerCli.RunAsync("inspect", id)).ExitCode == 0;

    /// <summary>Removes the objects a test created, container first (it holds the network and the volume).</summary>
    private static async Task RemoveAsync(string[] objects)
    {
        await DockerCli.RunAsync("rm", "-f", "-v", objects[0]);
        await DockerCli.RunAsync("network", "rm", objects[1]);
        await DockerCli.RunAsync("volume", "rm", "-f", objects[2]);
    }
}
