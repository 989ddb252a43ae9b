using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Watching;
using static KubeRunner.Agent.Tests.Backends.Kubernetes.ScriptedTaskPod;

namespace KubeRunner.Agent.Tests.Backends.Kubernetes;

/// <summary>Each failure of a task's pod or Job, scripted in the fake API server, and the one line that names it.</summary>
public sealed class PodDiagnosisTests : IAsyncLifetime
{
    private ScriptedTaskPod _task = null!;

    private string Pod => _task.PodName;

    public async Task InitializeAsync() => _task = await StartAsync();

    public async Task DisposeAsync() => await _task.DisposeAsync();

    [Theory]
    [InlineData("ErrImagePull", "rpc error: code = NotFound desc = failed to pull and unpack image", "Cannot pull image {0} for container job of pod {1} (ErrImagePull): rpc error: code = NotFound desc = failed to pull and unpack image")]
    [InlineData("ImagePullBackOff", "Back-off pulling image \"x\"", "Cannot pull image {0} for container job of pod {1} (ImagePullBackOff): Back-off pulling image \"x\"")]
    [InlineData("InvalidImageName", "couldn't parse image name", "Invalid image name {0} for container job of pod {1} (InvalidImageName): couldn't parse image name")]
    public async Task Diagnose_JobImageCannotBePulled_NamesContainerImageAndKubeletMessage(string reason, string message, string expected)
    {
        _task.Server.SetWaiting(Ns, Pod, "job", reason, message);

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(PodFailureKind.ImagePull, verdict.Failure?.Kind);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, JobImage, Pod), verdict.Failure?.Line);
        Assert.True(verdict.Failure!.IsInfrastructure);
        Assert.Null(verdict.Progress);
        Assert.False(verdict.PodEnded);
    }

    [Fact]
    public async Task Diagnose_ExecutorImageCannotBePulled_SaysItIsTheExecutorImage()
    {
        _task.SetInit("executor", Waiting("ImagePullBackOff", "Back-off pulling image"));

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal($"Cannot pull image {ExecutorImage} (the executor image) for container executor of pod {Pod} (ImagePullBackOff): Back-off pulling image", verdict.Failure?.Line);
    }

    [Fact]
    public async Task Diagnose_CreateContainerConfigError_NamesContainerAndMessage()
    {
        _task.Server.SetWaiting(Ns, Pod, "job", "CreateContainerConfigError", "secret \"kube-runner-task-42-0b6e4c5a\" not found");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(PodFailureKind.ContainerConfig, verdict.Failure?.Kind);
        Assert.Equal($"Cannot create container job of pod {Pod}: its configuration is invalid (CreateContainerConfigError): secret \"kube-runner-task-42-0b6e4c5a\" not found", verdict.Failure?.Line);
    }

    [Fact]
    public async Task Diagnose_UnschedulableForTheWholeWait_FailsWithSchedulerMessageAndHowLong()
    {
        const string message = "0/3 nodes are available: 3 Insufficient memory.";
        _task.Server.SetUnschedulable(Ns, Pod, message);

        _task.Time.Advance(Wait - TimeSpan.FromSeconds(1));
        var before = await _task.DiagnoseAsync();
        _task.Time.Advance(TimeSpan.FromSeconds(31));
        var after = await _task.DiagnoseAsync();

        Assert.Null(before.Failure);
        Assert.Equal(PodFailureKind.Unschedulable, after.Failure?.Kind);
        Assert.Equal($"No node could run pod {Pod} for 10m30s (kubernetes.unschedulable_timeout is 10m0s): {message}", after.Failure?.Line);
        Assert.Null(after.Progress);
    }

    [Fact]
    public async Task Diagnose_JobContainerOomKilled_NamesContainerAndMemoryLimitOverTheFailedJob()
    {
        _task.Server.SetRunning(Ns, Pod);
        _task.Server.SetTerminated(Ns, Pod, "job", 137, "OOMKilled");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(PodFailureKind.OutOfMemory, verdict.Failure?.Kind);
        Assert.Equal($"Container job of pod {Pod} was killed: exit code 137: out of memory (limit 64Gi)", verdict.Failure?.Line);
        Assert.Equal((true, true, 137), (verdict.PodEnded, verdict.JobEnded, verdict.JobContainerExit));
    }

    [Fact]
    public async Task Diagnose_OomKilledWithoutMemoryLimit_SaysTheNodeRanOut()
    {
        await using var task = await StartAsync(Heavy with { Requests = Heavy.Requests.Remove("memory") });
        task.Server.SetRunning(Ns, task.PodName);
        task.Server.SetTerminated(Ns, task.PodName, "job", 137, "OOMKilled");

        var verdict = await task.DiagnoseAsync();

        Assert.Equal($"Container job of pod {task.PodName} was killed: exit code 137: out of memory (no memory limit: the node ran out)", verdict.Failure?.Line);
    }

    [Fact]
    public async Task Diagnose_EvictedForEphemeralStorage_NamesEvictionAndLimitOverDisruptionAndKilledContainers()
    {
        const string message = "Pod ephemeral local storage usage exceeds the total limit of containers 100Gi.";
        _task.Server.SetRunning(Ns, Pod);
        _task.Server.Evict(Ns, Pod, message);

        var verdict = await _task.DiagnoseAsync();
        var (pod, job) = await _task.ReadAsync();

        // All of these hold too; the eviction is the cause.
        Assert.Contains(pod!.Status.Conditions, c => c.Type == "DisruptionTarget");
        Assert.Equal(137, pod.Status.ContainerStatuses.Single().State.Terminated.ExitCode);
        Assert.Contains(job.Status.Conditions, c => c is { Type: "Failed", Reason: "PodFailurePolicy" });
        Assert.Equal(PodFailureKind.Evicted, verdict.Failure?.Kind);
        Assert.Equal($"Pod {Pod} was evicted for using too much ephemeral storage (limit 100Gi for the job container): {message}", verdict.Failure?.Line);
    }

    [Fact]
    public async Task Diagnose_EvictedForWorkspaceVolume_NamesVolumeAndItsLimit()
    {
        _task.Server.SetRunning(Ns, Pod);
        _task.Server.Evict(Ns, Pod, "Usage of EmptyDir volume \"workspace\" exceeds the limit \"90Gi\". ");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal($"Pod {Pod} was evicted for using too much ephemeral storage: volume workspace passed its limit of 90Gi: Usage of EmptyDir volume \"workspace\" exceeds the limit \"90Gi\".", verdict.Failure?.Line);
    }

    [Fact]
    public async Task Diagnose_EvictedForNodeMemoryPressure_GivesKubeletMessage()
    {
        const string message = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi.";
        _task.Server.SetRunning(Ns, Pod);
        _task.Server.Evict(Ns, Pod, message);

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal($"Pod {Pod} was evicted: {message}", verdict.Failure?.Line);
    }

    [Theory]
    [InlineData("PreemptionByScheduler", "the scheduler preempted it to make room for a pod of higher priority")]
    [InlineData("DeletionByTaintManager", "its node got a NoExecute taint (e.g. the node became unreachable) and the pod was deleted")]
    [InlineData("EvictionByEvictionAPI", "it was evicted through the Eviction API (e.g. kubectl drain, or an autoscaler removing the node)")]
    [InlineData("TerminationByKubelet", "the kubelet stopped it (node pressure or node shutdown)")]
    [InlineData("DeletionByPodGC", "the pod garbage collector deleted it because its node is gone")]
    public async Task Diagnose_DisruptionTarget_SaysWhoStoppedThePodOverTheJobContainerExit(string reason, string words)
    {
        _task.Server.SetRunning(Ns, Pod);
        _task.Server.UpdatePodStatus(Ns, Pod, status => status.Conditions.Add(
            new V1PodCondition { Type = "DisruptionTarget", Status = "True", Reason = reason, Message = "Kubernetes message" }));
        _task.Server.SetTerminated(Ns, Pod, "job", 143, "Error");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(PodFailureKind.Disrupted, verdict.Failure?.Kind);
        Assert.Equal($"Pod {Pod} was stopped while the job ran: {words} ({reason}): Kubernetes message", verdict.Failure?.Line);
        Assert.Equal(143, verdict.JobContainerExit);
    }

    [Fact]
    public async Task Diagnose_DeadlineExceeded_NamesActiveDeadlineSecondsOnceThePodIsGone()
    {
        _task.Server.SetRunning(Ns, Pod);
        var (running, _) = await _task.ReadAsync();
        _task.Server.ExceedDeadline(Ns, _task.JobName);

        var (gone, job) = await _task.ReadAsync();
        var verdict = PodDiagnosis.Diagnose(gone, job, _task.Time.GetUtcNow(), Wait);
        // The watch may still hold the running pod when the Job's change arrives.
        var withLastPod = PodDiagnosis.Diagnose(running, job, _task.Time.GetUtcNow(), Wait);

        Assert.Null(gone);
        const string expected = "Job kube-runner-task-42-0b6e4c5a ran longer than its activeDeadlineSeconds (11100s, 3h5m0s) and Kubernetes stopped it (DeadlineExceeded): Job was active longer than specified deadline";
        Assert.Equal((PodFailureKind.DeadlineExceeded, expected), (verdict.Failure?.Kind, verdict.Failure?.Line));
        Assert.Equal(expected, withLastPod.Failure?.Line);
        Assert.True(verdict.JobEnded);
    }

    [Fact]
    public async Task Diagnose_JobFailedByBackoffLimitWithPodGone_GivesTheJobConditionMessage()
    {
        _task.Server.FailInitContainer(Ns, Pod, "executor", 1);
        var (_, job) = await _task.ReadAsync();

        var verdict = PodDiagnosis.Diagnose(null, job, _task.Time.GetUtcNow(), Wait);

        Assert.Equal(PodFailureKind.JobFailed, verdict.Failure?.Kind);
        Assert.Equal("Job kube-runner-task-42-0b6e4c5a failed (BackoffLimitExceeded): Job has reached the specified backoff limit", verdict.Failure?.Line);
    }

    [Fact]
    public async Task Diagnose_JobFailedByPodFailurePolicyWithPodGone_GivesTheJobConditionMessage()
    {
        _task.Server.SetRunning(Ns, Pod);
        _task.Server.Evict(Ns, Pod, "The node was low on resource: memory.");
        var (_, job) = await _task.ReadAsync();

        var verdict = PodDiagnosis.Diagnose(null, job, _task.Time.GetUtcNow(), Wait);

        Assert.Equal($"Job kube-runner-task-42-0b6e4c5a failed (PodFailurePolicy): Pod {Ns}/{Pod} has condition DisruptionTarget matching FailJob rule at index 0", verdict.Failure?.Line);
    }

    [Fact]
    public async Task Diagnose_ExecutorInitContainerFailed_SaysItCopiesTheExecutorWithExitAndMessage()
    {
        _task.Server.FailInitContainer(Ns, Pod, "executor", 1, message: "cp: can't stat '/kube-runner-executor/.': No such file or directory");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(PodFailureKind.InitContainerFailed, verdict.Failure?.Kind);
        Assert.Equal($"Init container executor, which copies the executor from the executor image {ExecutorImage} into the pod, failed in pod {Pod}: "
            + "exit code 1: cp: can't stat '/kube-runner-executor/.': No such file or directory", verdict.Failure?.Line);
        Assert.True(verdict.PodEnded);
        Assert.Null(verdict.JobContainerExit);
    }

    [Fact]
    public async Task Diagnose_ServiceInCrashLoop_NamesServiceImageRestartsAndLastExit()
    {
        _task.SetInit("executor", Terminated(0, "Completed"));
        _task.SetInit("db", Waiting("CrashLoopBackOff", "back-off 40s restarting failed container"), restarts: 3, last: Terminated(1, "Error"));

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(PodFailureKind.ServiceFailed, verdict.Failure?.Kind);
        Assert.Equal($"Service container db (postgres:16) of pod {Pod} keeps failing (restarted 3 times): exit code 1", verdict.Failure?.Line);
    }

    [Fact]
    public async Task Diagnose_JobContainerExitedNonZero_IsThePodEndingNotAnInfrastructureFailure()
    {
        _task.Server.SetRunning(Ns, Pod);
        _task.Server.SetTerminated(Ns, Pod, "job", 69, "Error");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(PodFailureKind.JobContainerExited, verdict.Failure?.Kind);
        Assert.False(verdict.Failure!.IsInfrastructure);
        Assert.Equal($"The job container of pod {Pod} ended: exit code 69", verdict.Failure.Line);
        Assert.Equal((true, true, 69), (verdict.PodEnded, verdict.JobEnded, verdict.JobContainerExit));
    }

    [Fact]
    public async Task Diagnose_JobContainerKilledBySignal_SaysWhichSignal()
    {
        _task.Server.SetRunning(Ns, Pod);
        _task.Server.SetTerminated(Ns, Pod, "job", 137, "Error");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal($"The job container of pod {Pod} ended: exit code 137: killed by SIGKILL", verdict.Failure?.Line);
    }

    [Fact]
    public async Task Diagnose_JobSucceeded_NoFailureAndBothEnded()
    {
        _task.Server.SetRunning(Ns, Pod);
        _task.Server.SetTerminated(Ns, Pod, "job", 0, "Completed");

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(new PodVerdict { PodEnded = true, JobEnded = true, JobContainerExit = 0 }, verdict);
    }

    [Fact]
    public async Task Diagnose_PodDeletedWhileRunning_SaysSo()
    {
        _task.Server.SetRunning(Ns, Pod);
        var (pod, job) = await _task.ReadAsync();
        pod!.Metadata.DeletionTimestamp = _task.Time.GetUtcNow().UtcDateTime;

        var verdict = PodDiagnosis.Diagnose(pod, job, _task.Time.GetUtcNow(), Wait);

        Assert.Equal(PodFailureKind.PodDeleted, verdict.Failure?.Kind);
        Assert.Equal($"Pod {Pod} was deleted while the job ran (not by its Job: someone or something deleted the pod)", verdict.Failure?.Line);
    }

    [Fact]
    public async Task Diagnose_PodDeletedAfterJobContainerEnded_IsTheContainerEnd()
    {
        _task.Server.SetRunning(Ns, Pod);
        _task.Server.SetTerminated(Ns, Pod, "job", 1, "Error");
        _task.Time.Advance(TimeSpan.FromSeconds(5));
        var (pod, job) = await _task.ReadAsync();
        pod!.Metadata.DeletionTimestamp = _task.Time.GetUtcNow().UtcDateTime;

        var verdict = PodDiagnosis.Diagnose(pod, job, _task.Time.GetUtcNow(), Wait);

        Assert.Equal(PodFailureKind.JobContainerExited, verdict.Failure?.Kind);
    }

    [Fact]
    public async Task Diagnose_KubeletRejectedThePod_GivesPodReasonAndMessage()
    {
        _task.Server.UpdatePodStatus(Ns, Pod, status =>
        {
            status.Phase = "Failed";
            status.Reason = "OutOfcpu";
            status.Message = "Pod was rejected: Node didn't have enough resource: cpu, requested: 16000, used: 1200, capacity: 16000";
        });

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(PodFailureKind.PodFailed, verdict.Failure?.Kind);
        Assert.Equal($"Pod {Pod} failed (OutOfcpu): Pod was rejected: Node didn't have enough resource: cpu, requested: 16000, used: 1200, capacity: 16000", verdict.Failure?.Line);
    }

    [Fact]
    public async Task Diagnose_ImagePullErrorWhileUnschedulableWaitRunsOut_NamesTheImage()
    {
        // Not a real sequence, but it shows the order: a named container problem before the wait.
        _task.Server.SetUnschedulable(Ns, Pod, "0/3 nodes are available.");
        _task.Time.Advance(Wait);
        _task.Server.UpdatePodStatus(Ns, Pod, status => status.ContainerStatuses =
            [new V1ContainerStatus { Name = "job", Image = JobImage, ImageID = "", Ready = false, RestartCount = 0, State = Waiting("ErrImagePull") }]);

        var verdict = await _task.DiagnoseAsync();

        Assert.Equal(PodFailureKind.ImagePull, verdict.Failure?.Kind);
    }
}
