using KubeRunner.Agent.Backends.Kubernetes.Watching;
using static KubeRunner.Agent.Tests.Backends.Kubernetes.ScriptedTaskPod;

namespace KubeRunner.Agent.Tests.Backends.Kubernetes;

/// <summary>The rows a task's log shows while its pod is on its way to running the job, and when a row is new.</summary>
public sealed class PodDiagnosisProgressTests : IAsyncLifetime
{
    private ScriptedTaskPod _task = null!;

    private string Pod => _task.PodName;

    public async Task InitializeAsync() => _task = await StartAsync();

    public async Task DisposeAsync() => await _task.DisposeAsync();

    [Fact]
    public void Diagnose_NoJobAndNoPod_SaysNothing()
    {
        var verdict = PodDiagnosis.Diagnose(null, null, DateTimeOffset.UnixEpoch, Wait);

        Assert.Equal(PodVerdict.Nothing, verdict);
    }

    [Fact]
    public async Task Diagnose_JobWithoutPodYet_WaitsForThePod()
    {
        var (_, job) = await _task.ReadAsync();

        var verdict = PodDiagnosis.Diagnose(null, job, _task.Time.GetUtcNow(), Wait);

        Assert.Equal(new PodProgress(new PodState(PodStage.WaitingForPod), "Job kube-runner-task-42-0b6e4c5a created; waiting for its pod"), verdict.Progress);
        Assert.Null(verdict.Failure);
    }

    [Fact]
    public async Task Diagnose_NewPod_WaitsForTheScheduler()
    {
        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(new PodProgress(new PodState(PodStage.WaitingForScheduler), $"Pod {Pod} created; waiting for the scheduler to place it on a node"), verdict.Progress);
        Assert.Equal((false, false, null, null), (verdict.PodEnded, verdict.JobEnded, verdict.JobContainerExit, verdict.RecheckAt));
    }

    [Fact]
    public async Task Diagnose_UnschedulableWithinTheWait_ShowsSchedulerMessageAndWhenToLookAgain()
    {
        var since = _task.Time.GetUtcNow();
        _task.Server.SetUnschedulable(Ns, Pod, "0/3 nodes are available: 3 Insufficient cpu.");
        _task.Time.Advance(TimeSpan.FromMinutes(4));

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(new PodProgress(new PodState(PodStage.WaitingForNode),
            $"Waiting for a node that can run pod {Pod} (the task fails after 10m0s without one): 0/3 nodes are available: 3 Insufficient cpu."), verdict.Progress);
        Assert.Null(verdict.Failure);
        Assert.Equal(since + Wait, verdict.RecheckAt);
    }

    [Fact]
    public async Task Diagnose_JobFailedBeforeThePodShowsWhy_WaitsForThePodThenGivesTheJobCondition()
    {
        _task.Server.SetRunning(Ns, Pod);
        var (running, _) = await _task.ReadAsync();
        _task.Server.SetTerminated(Ns, Pod, "job", 137, "OOMKilled");
        var (_, failed) = await _task.ReadAsync();
        var now = _task.Time.GetUtcNow();

        // The Job's change came through its watch first: the pod as last seen still runs.
        var early = PodDiagnosis.Diagnose(running, failed, now, Wait);
        var late = PodDiagnosis.Diagnose(running, failed, now + PodFailures.PodCatchUp, Wait);
        var caughtUp = await _task.DiagnoseAsync();

        Assert.Equal((null, null, now + PodFailures.PodCatchUp), (early.Failure, early.Progress, early.RecheckAt));
        Assert.Equal(PodFailureKind.JobFailed, late.Failure?.Kind);
        Assert.StartsWith("Job kube-runner-task-42-0b6e4c5a failed (", late.Failure!.Line, StringComparison.Ordinal);
        Assert.Equal(PodFailureKind.OutOfMemory, caughtUp.Failure?.Kind);
    }

    [Fact]
    public async Task Diagnose_SchedulerMessageChanges_StateStaysTheSame()
    {
        _task.Server.SetUnschedulable(Ns, Pod, "0/3 nodes are available: 3 Insufficient cpu.");
        var first = await _task.DiagnoseAsync();
        _task.Server.SetUnschedulable(Ns, Pod, "0/4 nodes are available: 4 Insufficient cpu.");
        var second = await _task.DiagnoseAsync();

        Assert.NotEqual(first.Progress!.Line, second.Progress!.Line);
        Assert.Equal(first.Progress.State, second.Progress.State);
    }

    [Fact]
    public async Task Diagnose_ExecutorImageBeingPulled_NamesContainerAndImage()
    {
        _task.SetInit("executor", Waiting("PodInitializing"));
        _task.Server.SetWaiting(Ns, Pod, "job", "PodInitializing");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(new PodProgress(new PodState(PodStage.CreatingContainer, "executor"),
            $"Creating container executor of pod {Pod}, pulling {ExecutorImage} if the node does not have it"), verdict.Progress);
    }

    [Fact]
    public async Task Diagnose_ExecutorInitContainerRunning_SaysTheExecutorIsBeingCopied()
    {
        _task.SetInit("executor", Running());
        _task.Server.SetWaiting(Ns, Pod, "job", "PodInitializing");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(new PodProgress(new PodState(PodStage.RunningInitContainer, "executor"), $"Copying the executor into pod {Pod} (init container executor)"), verdict.Progress);
    }

    [Fact]
    public async Task Diagnose_ServiceRunningNotStarted_SaysTheServiceIsStarting()
    {
        _task.SetInit("executor", Terminated(0, "Completed"));
        _task.SetInit("db", Running());
        _task.Server.SetWaiting(Ns, Pod, "job", "PodInitializing");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(new PodProgress(new PodState(PodStage.StartingService, "db"), "Starting service container db (postgres:16)"), verdict.Progress);
    }

    [Fact]
    public async Task Diagnose_ServicesStartedJobContainerCreating_NamesTheJobImage()
    {
        _task.SetInit("executor", Terminated(0, "Completed"));
        _task.SetInit("db", Running(), started: true);
        _task.Server.SetWaiting(Ns, Pod, "job", "ContainerCreating");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(new PodProgress(new PodState(PodStage.CreatingContainer, "job"),
            $"Creating container job of pod {Pod}, pulling {JobImage} if the node does not have it"), verdict.Progress);
    }

    [Fact]
    public async Task Diagnose_Running_NamesPodImageAndNode()
    {
        _task.Server.SetRunning(Ns, Pod);
        var (pod, job) = await _task.ReadAsync();
        // The fake scheduler does not bind pods to nodes; a real pod has its node here.
        pod!.Spec.NodeName = "crunchy01";

        var verdict = PodDiagnosis.Diagnose(pod, job, _task.Time.GetUtcNow(), Wait);

        Assert.Equal(new PodProgress(new PodState(PodStage.Running, "job"), $"Running the job in pod {Pod} ({JobImage}) on node crunchy01"), verdict.Progress);
        Assert.Null(verdict.Failure);
    }

    [Fact]
    public async Task Diagnose_WholeStart_EachStageIsANewStateOnce()
    {
        List<PodState> states = [];
        async Task Observe()
        {
            if ((await _task.DiagnoseAsync()).Progress is { } progress && (states.Count == 0 || states[^1] != progress.State))
            {
                states.Add(progress.State);
            }
        }

        await Observe();
        _task.Server.SetUnschedulable(Ns, Pod, "0/3 nodes are available.");
        await Observe();
        await Observe();
        _task.SetInit("executor", Waiting("PodInitializing"));
        await Observe();
        _task.SetInit("executor", Running());
        await Observe();
        _task.SetInit("executor", Terminated(0, "Completed"));
        _task.SetInit("db", Waiting("PodInitializing"));
        await Observe();
        _task.SetInit("db", Running(), started: true);
        _task.Server.SetWaiting(Ns, Pod, "job", "ContainerCreating");
        await Observe();
        _task.Server.SetRunning(Ns, Pod);
        await Observe();
        await Observe();

        Assert.Equal(
        [
            new PodState(PodStage.WaitingForScheduler), new PodState(PodStage.WaitingForNode),
            new PodState(PodStage.CreatingContainer, "executor"), new PodState(PodStage.RunningInitContainer, "executor"),
            new PodState(PodStage.CreatingContainer, "db"), new PodState(PodStage.CreatingContainer, "job"), new PodState(PodStage.Running, "job"),
        ], states);
    }
}
