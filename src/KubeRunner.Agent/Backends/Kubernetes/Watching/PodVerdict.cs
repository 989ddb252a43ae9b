namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>What a task's pod and Job mean for the task at one moment; made by <see cref="PodDiagnosis.Diagnose"/>.</summary>
internal sealed record PodVerdict
{
    public static readonly PodVerdict Nothing = new();

    /// <summary>
    /// The pending or running state for the task log, to show when its <see cref="PodProgress.State"/>
    /// differs from the one shown last. Null once the task fails, the job container has ended, or
    /// neither Job nor pod exists.
    /// </summary>
    public PodProgress? Progress { get; init; }

    /// <summary>Why the task fails, if it does; see <see cref="PodFailure.IsInfrastructure"/>.</summary>
    public PodFailure? Failure { get; init; }

    /// <summary>The pod is Succeeded or Failed: none of its containers runs any more.</summary>
    public bool PodEnded { get; init; }

    /// <summary>The Job has its Complete or Failed condition; no new pod will be made for it.</summary>
    public bool JobEnded { get; init; }

    /// <summary>The job container's exit code, once it has terminated (the executor's exit status).</summary>
    public int? JobContainerExit { get; init; }

    /// <summary>
    /// When time alone changes this verdict (an unschedulable pod's wait runs out, or a failed Job's
    /// pod did not catch up in time, see <see cref="PodFailures.PodCatchUp"/>): no watch event comes
    /// then, so the caller diagnoses again at this time.
    /// </summary>
    public DateTimeOffset? RecheckAt { get; init; }
}

/// <summary>A row for the task log about where the pod is on its way to running the job.</summary>
/// <param name="State">What the row is about; equal states mean the row was already shown.</param>
/// <param name="Line">The row, e.g. <c>Waiting for a node that can run pod …: 0/3 nodes are available: 3 Insufficient cpu.</c></param>
internal sealed record PodProgress(PodState State, string Line);

/// <summary>
/// A pending or running state, compared without its details (a scheduler message that changes
/// with the cluster does not make a new state, so it is not shown again).
/// </summary>
/// <param name="Container">The container the stage is about, for container stages.</param>
internal readonly record struct PodState(PodStage Stage, string? Container = null);

internal enum PodStage
{
    /// <summary>The Job exists, its pod does not yet.</summary>
    WaitingForPod,

    /// <summary>The pod exists and the scheduler has not placed it yet.</summary>
    WaitingForScheduler,

    /// <summary>The scheduler found no node that fits the pod (PodScheduled=False, Unschedulable), within the configured wait.</summary>
    WaitingForNode,

    /// <summary>A container is being created: its image pulled if needed (ContainerCreating, PodInitializing).</summary>
    CreatingContainer,

    /// <summary>An init container runs; <c>executor</c> copies the executor into the pod.</summary>
    RunningInitContainer,

    /// <summary>A service (native sidecar) runs but has not reported started.</summary>
    StartingService,

    /// <summary>The job container runs the executor.</summary>
    Running,
}

/// <summary>Why the task fails, as the one line that ends its log.</summary>
/// <param name="Name">Kubernetes' own word for the failure when the kind has several (the image pull's waiting reason).</param>
internal sealed record PodFailure(PodFailureKind Kind, string Line, string? Name = null)
{
    /// <summary>A short stable name for metrics: Kubernetes' own word where it has one (OOMKilled, ErrImagePull, Unschedulable).</summary>
    public string Reason => Name ?? Kind switch
    {
        PodFailureKind.DeadlineExceeded => "DeadlineExceeded",
        PodFailureKind.Evicted => "Evicted",
        PodFailureKind.Disrupted => "DisruptionTarget",
        PodFailureKind.OutOfMemory => "OOMKilled",
        PodFailureKind.InitContainerFailed => "InitContainerFailed",
        PodFailureKind.ServiceFailed => "CrashLoopBackOff",
        PodFailureKind.ImagePull => "ErrImagePull",
        PodFailureKind.ContainerConfig => "CreateContainerConfigError",
        PodFailureKind.PodFailed => "PodFailed",
        PodFailureKind.PodDeleted => "PodDeleted",
        PodFailureKind.Unschedulable => "Unschedulable",
        PodFailureKind.JobContainerExited => "JobContainerExited",
        _ => "JobFailed",
    };

    /// <summary>
    /// False only for <see cref="PodFailureKind.JobContainerExited"/>: the pod ended on its own, so the
    /// executor's reported result, when there is one, is the task's result and this line is for when
    /// there is none. True: the pod could not run or was stopped from outside while it ran.
    /// </summary>
    public bool IsInfrastructure => Kind != PodFailureKind.JobContainerExited;
}

internal enum PodFailureKind
{
    /// <summary>Job condition Failed (or FailureTarget) with reason DeadlineExceeded: activeDeadlineSeconds ran out.</summary>
    DeadlineExceeded,

    /// <summary>The kubelet evicted the pod (status.reason Evicted), e.g. for ephemeral storage.</summary>
    Evicted,

    /// <summary>Pod condition DisruptionTarget: preemption, taint manager, Eviction API, kubelet, pod GC.</summary>
    Disrupted,

    /// <summary>The job container or an init container was OOMKilled.</summary>
    OutOfMemory,

    /// <summary>An init container (not a service) ended with a non-zero exit code.</summary>
    InitContainerFailed,

    /// <summary>A service (native sidecar) keeps crashing (CrashLoopBackOff).</summary>
    ServiceFailed,

    /// <summary>ErrImagePull, ImagePullBackOff, InvalidImageName or ErrImageNeverPull.</summary>
    ImagePull,

    /// <summary>CreateContainerConfigError, e.g. a Secret or ConfigMap the container refers to is missing.</summary>
    ContainerConfig,

    /// <summary>The pod failed with a reason of its own, e.g. the kubelet rejected it (OutOfcpu).</summary>
    PodFailed,

    /// <summary>The pod is being deleted and its job container did not end before that; the caller ignores this when it deleted the Job itself.</summary>
    PodDeleted,

    /// <summary>No node fits the pod, for longer than the configured wait.</summary>
    Unschedulable,

    /// <summary>The job container ended with a non-zero exit code: the pod ended, see <see cref="PodFailure.IsInfrastructure"/>.</summary>
    JobContainerExited,

    /// <summary>Job condition Failed for another reason (PodFailurePolicy, BackoffLimitExceeded …) with the pod not saying why.</summary>
    JobFailed,
}
