using KubeRunner.Agent.Tests.Cli;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing;
using KubeRunner.Testing.Docker;
using KubeRunner.Testing.FakeForge;
using KubeRunner.Testing.FakeKubernetes;
using KubeRunner.Testing.FakeKubernetes.Docker;

namespace KubeRunner.Agent.Tests.EndToEnd.Kubernetes;

/// <summary>The daemon as a separate process with a Kubernetes label, killed while its Job runs and started again.</summary>
public sealed class KubernetesRestartTests
{
    private static readonly string LongJob = RestartJob.Workflow(6);

    [Fact]
    public async Task Daemon_KilledMidKubernetesJobAndRestarted_AdoptsTheJobAndEveryRowIsThereOnce()
    {
        await using var pods = await DockerPodRunner.StartAsync();
        await using var kube = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { PodRunner = pods });
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();
        var uuid = await WriteRunnerAsync(forge, kube, cli);
        var job = forge.EnqueueJob(new FakeJob { WorkflowYaml = LongJob, RunsOn = ["linux"] });

        var taskId = await KillFirstAgentOnceRunningAsync(forge, cli, job);

        // The Job outlived the agent, and says where its rows start.
        var jobName = KubernetesRunner.JobName(uuid, taskId);
        Assert.Contains("kube-runner.forgejo.org/base-row", kube.GetJob(KubernetesRunner.Namespace, jobName)!.Metadata.Annotations.Keys);

        FakeTask task;
        using (var second = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml"))
        {
            task = await second.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Scenario));
            await KubernetesRunner.WaitUntilJobGoneAsync(kube, KubernetesRunner.Namespace, jobName);
            second.Terminate();
            await second.WaitForExitAsync(TestTimeouts.Scenario);
            RestartJob.AssertEveryRowOnce(task, second.Out);
            Assert.Null(kube.GetJob(KubernetesRunner.Namespace, jobName));
        }
    }

    [Fact]
    public async Task Daemon_RestartedWithoutItsLocalRecords_AdoptsTheJobFromItsAnnotations()
    {
        // As an agent pod rescheduled to another node: the same registration, none of the files.
        await using var pods = await DockerPodRunner.StartAsync();
        await using var kube = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { PodRunner = pods });
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();
        await WriteRunnerAsync(forge, kube, cli);
        var job = forge.EnqueueJob(new FakeJob { WorkflowYaml = LongJob, RunsOn = ["linux"] });

        await KillFirstAgentOnceRunningAsync(forge, cli, job);

        Directory.Delete(Path.Combine(cli.Directory, "agent", "kube-runner-tasks"), recursive: true);
        using var second = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml");
        FakeTask task;
        try
        {
            task = await second.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Scenario));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n--- agent:\n{second.Out}\n{second.Error}", e);
        }

        second.Terminate();
        await second.WaitForExitAsync(TestTimeouts.Scenario);

        var rows = task.LogRows.Select(r => r.Content).ToList();
        Assert.True(task.Result == Result.Success, string.Join("\n", rows) + "\n--- agent:\n" + second.Error);
        Assert.Single(rows, r => r == "first");
        Assert.Single(rows, r => r == "row 200");
    }

    [Fact]
    public async Task Daemon_KilledBeforeTheExecutorStarted_FailsTheTaskOnTheForgeAndDeletesItsJob()
    {
        // Scripted pods stay Pending: the executor never runs, so there is nothing to take over.
        await using var kube = await FakeKubeApiServer.StartAsync();
        await using var forge = await FakeForge.StartAsync();
        using var cli = new CliRun();
        var uuid = await WriteRunnerAsync(forge, kube, cli);
        var job = forge.EnqueueJob(new FakeJob { WorkflowYaml = LongJob, RunsOn = ["linux"] });

        long taskId;
        using (var first = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml"))
        {
            taskId = (await first.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job, TestTimeouts.Scenario))).Id;
            await first.WhileRunningAsync(KubernetesRunner.PodAsync(kube, uuid, taskId));
            first.KillAgentOnly();
            await first.WaitForExitAsync(TestTimeouts.Default);
        }

        using var second = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml");
        var task = await second.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.IsDone, TestTimeouts.Scenario));
        second.Terminate();
        await second.WaitForExitAsync(TestTimeouts.Scenario);

        Assert.True(task.Result == Result.Failure, string.Join("\n", task.LogRows.Select(r => r.Content)) + "\n--- agent:\n" + second.Out);
        Assert.Contains("The runner restarted before this job's executor had started, so it could not take the job over; it stopped the job. Run the job again.",
            task.LogRows.Select(r => r.Content));
        Assert.Null(kube.GetJob(KubernetesRunner.Namespace, KubernetesRunner.JobName(uuid, taskId)));
    }

    /// <summary>Starts the agent, and kills it (not its job) once the job's first row is on the forge.</summary>
    /// <returns>The task's id.</returns>
    private static async Task<long> KillFirstAgentOnceRunningAsync(FakeForge forge, CliRun cli, long job)
    {
        using var first = AgentProcess.Start(cli.Directory, "daemon", "--config", "config.yaml");
        var task = await first.WhileRunningAsync(forge.WaitForTaskAsync(t => t.JobId == job && t.LogRows.Any(r => r.Content == RestartJob.FirstRow), TestTimeouts.Scenario));
        first.KillAgentOnly();
        await first.WaitForExitAsync(TestTimeouts.Default);
        return task.Id;
    }

    /// <returns>The runner's uuid.</returns>
    private static async Task<string> WriteRunnerAsync(FakeForge forge, FakeKubeApiServer kube, CliRun cli)
    {
        var image = await TestImages.EnsureAsync(TestImage.Busybox);
        var executorImage = await ExecutorImage.EnsureAsync();
        var (listen, address) = await KubernetesPods.AgentAddressAsync();
        var registered = forge.AddRunner("kubernetes-runner", ["linux"]);
        DaemonCommandTests.WriteRunnerFile(cli, forge.Url, registered.Uuid, registered.Token, "linux:kubernetes");
        cli.Write("kubeconfig", kube.Kubeconfig(KubernetesRunner.Namespace));
        cli.Write("config.yaml", "runner:\n  fetch_interval: 100ms\n  report_interval: 200ms\n"
            + $"executor:\n  path: {ExecutorBuild.Path}\n  socket: agent/kube-runner.sock\n  kill_grace: 2s\n  listen: {listen}\n"
            + $"kubernetes:\n  kubeconfig: kubeconfig\n  namespace: {KubernetesRunner.Namespace}\n  agent_address: {address}\n"
            + $"  profiles:\n    linux:\n      image: {image}\n      executor_image: {executorImage}\n");
        return registered.Uuid;
    }
}
