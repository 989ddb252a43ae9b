using System.Globalization;
using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>
/// Finds the one cause a failed task is reported with. Several facts hold at once when a pod goes
/// wrong (an evicted pod also has killed containers and a Failed Job), so the checks run from the
/// cause to its consequences and the first that holds names the failure.
/// </summary>
internal static class PodFailures
{
    /// <summary>
    /// How long a failed Job's pod may still look alive before the Job's own condition is reported.
    /// Jobs and pods come through separate watches, so the Job's Failed condition can arrive before
    /// the pod's change that caused it, and that change names the failure (OOMKilled, the init container).
    /// </summary>
    public static readonly TimeSpan PodCatchUp = TimeSpan.FromSeconds(5);

    private static readonly string[] ImagePullReasons = ["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"];

    public static PodFailure? Find(V1Pod? pod, V1Job? job, DateTimeOffset now, TimeSpan unschedulableWait) =>
        // The Job controller kills the pod at the deadline: its containers' ends are consequences.
        DeadlineExceeded(job)
        ?? (pod is null ? null : FromPod(pod, now, unschedulableWait))
        ?? (PodCatchUpEnds(pod, job, now) is null ? JobFailed(job) : null)
        ?? (pod?.Status?.Phase == "Failed" ? new PodFailure(PodFailureKind.PodFailed, $"Pod {PodFacts.Name(pod)} failed") : null);

    /// <summary>
    /// When the Job has failed while its pod, as last seen, still runs: the time after which the
    /// Job's condition is reported without the pod's change (see <see cref="PodCatchUp"/>); else null.
    /// </summary>
    public static DateTimeOffset? PodCatchUpEnds(V1Pod? pod, V1Job? job, DateTimeOffset now)
    {
        if (FailedCondition(job) is not { } condition || pod is null || pod.Status?.Phase is "Succeeded" or "Failed" || pod.Metadata?.DeletionTimestamp is not null)
        {
            return null;
        }

        // Without a time (an API server always sets one) there is nothing to wait from.
        var ends = PodFacts.Utc(condition.LastTransitionTime) + PodCatchUp;
        return ends > now ? ends : null;
    }

    private static PodFailure? FromPod(V1Pod pod, DateTimeOffset now, TimeSpan unschedulableWait) =>
        PodEvictions.Evicted(pod)
        ?? PodEvictions.Disrupted(pod)
        ?? OutOfMemory(pod)
        ?? InitContainerFailed(pod)
        ?? ServiceFailed(pod)
        ?? Waiting(pod)
        ?? PodFailedWithReason(pod)
        ?? Deleted(pod)
        ?? Unschedulable(pod, now, unschedulableWait)
        ?? JobContainerExited(pod);

    private static PodFailure? DeadlineExceeded(V1Job? job)
    {
        if (FailedCondition(job) is not { Reason: "DeadlineExceeded" } condition)
        {
            return null;
        }

        var deadline = job!.Spec?.ActiveDeadlineSeconds is { } seconds
            ? string.Create(CultureInfo.InvariantCulture, $"activeDeadlineSeconds ({seconds}s, {GoDuration.Format(TimeSpan.FromSeconds(seconds))})")
            : "activeDeadlineSeconds";
        return new PodFailure(PodFailureKind.DeadlineExceeded,
            $"Job {job.Metadata?.Name} ran longer than its {deadline} and Kubernetes stopped it (DeadlineExceeded){Detail(condition.Message)}");
    }

    // The job container ran out, or the executor copy did; a service's OOM shows as its crash loop.
    private static PodFailure? OutOfMemory(V1Pod pod)
    {
        foreach (var container in PodFacts.PlainInitContainers(pod).Append(PodFacts.Spec(pod, KubernetesJobBuilder.JobContainer)))
        {
            if (container is not null && PodFacts.Status(pod, container.Name)?.State?.Terminated is { Reason: "OOMKilled" } terminated)
            {
                return new PodFailure(PodFailureKind.OutOfMemory,
                    $"Container {container.Name} of pod {PodFacts.Name(pod)} was killed: {PodFacts.Ended(pod, container.Name, terminated)}");
            }
        }

        return null;
    }

    private static PodFailure? InitContainerFailed(V1Pod pod)
    {
        foreach (var container in PodFacts.PlainInitContainers(pod))
        {
            if (PodFacts.Status(pod, container.Name)?.State?.Terminated is { } terminated && terminated.ExitCode != 0)
            {
                var what = container.Name == KubernetesJobBuilder.ExecutorContainer
                    ? $"Init container {container.Name}, which copies the executor from the executor image {container.Image} into the pod,"
                    : $"Init container {container.Name} ({container.Image})";
                return new PodFailure(PodFailureKind.InitContainerFailed,
                    $"{what} failed in pod {PodFacts.Name(pod)}: {PodFacts.Ended(pod, container.Name, terminated)}");
            }
        }

        return null;
    }

    // A service is restarted by the kubelet whenever it ends; one that keeps ending is given up on.
    private static PodFailure? ServiceFailed(V1Pod pod)
    {
        foreach (var container in PodFacts.Services(pod))
        {
            if (PodFacts.Status(pod, container.Name) is { State.Waiting.Reason: "CrashLoopBackOff" } status)
            {
                var last = status.LastState?.Terminated is { } terminated ? $": {PodFacts.Ended(pod, container.Name, terminated)}" : "";
                return new PodFailure(PodFailureKind.ServiceFailed, string.Create(CultureInfo.InvariantCulture,
                    $"Service container {container.Name} ({container.Image}) of pod {PodFacts.Name(pod)} keeps failing (restarted {status.RestartCount} times){last}"));
            }
        }

        return null;
    }

    private static PodFailure? Waiting(V1Pod pod)
    {
        var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []);
        foreach (var status in statuses)
        {
            if (status.State?.Waiting is not { Reason: { } reason } waiting)
            {
                continue;
            }

            var container = status.Name;
            var image = PodFacts.Image(pod, container);
            var executor = container == KubernetesJobBuilder.ExecutorContainer ? " (the executor image)" : "";
            var detail = Detail(waiting.Message);
            if (reason == "InvalidImageName")
            {
                return new PodFailure(PodFailureKind.ImagePull, $"Invalid image name {image}{executor} for container {container} of pod {PodFacts.Name(pod)} (InvalidImageName){detail}", reason);
            }

            if (ImagePullReasons.Contains(reason, StringComparer.Ordinal))
            {
                return new PodFailure(PodFailureKind.ImagePull, $"Cannot pull image {image}{executor} for container {container} of pod {PodFacts.Name(pod)} ({reason}){detail}", reason);
            }

            if (reason == "CreateContainerConfigError")
            {
                return new PodFailure(PodFailureKind.ContainerConfig, $"Cannot create container {container} of pod {PodFacts.Name(pod)}: its configuration is invalid (CreateContainerConfigError){detail}");
            }
        }

        return null;
    }

    // E.g. the kubelet refused the pod (OutOfcpu, NodeAffinity) or the node was lost.
    private static PodFailure? PodFailedWithReason(V1Pod pod) =>
        pod.Status is { Phase: "Failed", Reason: { Length: > 0 } reason } status
            ? new PodFailure(PodFailureKind.PodFailed, $"Pod {PodFacts.Name(pod)} failed ({reason}){Detail(status.Message)}")
            : null;

    // Something else deleted the pod while its job ran: the job container ended from the deletion, or not yet.
    private static PodFailure? Deleted(V1Pod pod)
    {
        if (PodFacts.Utc(pod.Metadata?.DeletionTimestamp) is not { } deleted || pod.Status?.Phase == "Succeeded")
        {
            return null;
        }

        var finished = PodFacts.JobTerminated(pod) is { } terminated ? PodFacts.Utc(terminated.FinishedAt) : null;
        return finished < deleted ? null : new PodFailure(PodFailureKind.PodDeleted,
            $"Pod {PodFacts.Name(pod)} was deleted while the job ran (not by its Job: someone or something deleted the pod)");
    }

    private static PodFailure? Unschedulable(V1Pod pod, DateTimeOffset now, TimeSpan wait)
    {
        if (PodScheduling.Unschedulable(pod, now) is not { } waiting || now - waiting.Since < wait)
        {
            return null;
        }

        var waited = TimeSpan.FromSeconds(Math.Floor((now - waiting.Since).TotalSeconds));
        return new PodFailure(PodFailureKind.Unschedulable,
            $"No node could run pod {PodFacts.Name(pod)} for {GoDuration.Format(waited)} (kubernetes.unschedulable_timeout is {GoDuration.Format(wait)}): {waiting.Message}");
    }

    private static PodFailure? JobContainerExited(V1Pod pod) =>
        PodFacts.JobTerminated(pod) is { } terminated && terminated.ExitCode != 0
            ? new PodFailure(PodFailureKind.JobContainerExited,
                $"The job container of pod {PodFacts.Name(pod)} ended: {PodFacts.Ended(pod, KubernetesJobBuilder.JobContainer, terminated)}")
            : null;

    private static PodFailure? JobFailed(V1Job? job) =>
        FailedCondition(job) is { } condition
            ? new PodFailure(PodFailureKind.JobFailed, $"Job {job!.Metadata?.Name} failed ({condition.Reason ?? "no reason given"}){Detail(condition.Message)}")
            : null;

    // FailureTarget comes first (1.31+): the Job has failed and waits only for its pods to stop.
    private static V1JobCondition? FailedCondition(V1Job? job) =>
        job?.Status?.Conditions?.FirstOrDefault(c => c is { Type: "Failed", Status: "True" })
        ?? job?.Status?.Conditions?.FirstOrDefault(c => c is { Type: "FailureTarget", Status: "True" });

    private static string Detail(string? message) => message?.Trim() is { Length: > 0 } text ? $": {text}" : "";
}
