using k8s.Models;

namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>
/// Reads a task's pod and Job as the watch last saw them and says what the task log should show:
/// the pending or running state, or the failure that ends the task, named plainly with what an
/// operator needs (container, image, limit, the scheduler's or kubelet's own message). Pure: no
/// cluster calls and no clock, so every state can be tested from a scripted pod.
/// </summary>
internal static class PodDiagnosis
{
    /// <param name="pod">The Job's current pod; null before the Job controller made it, or after it was deleted.</param>
    /// <param name="job">The task's Job; null before it was created.</param>
    /// <param name="now">The current time, to measure how long the pod has been unschedulable.</param>
    /// <param name="unschedulableWait">How long a pod may stay unschedulable before the task fails (<c>kubernetes.unschedulable_timeout</c>).</param>
    public static PodVerdict Diagnose(V1Pod? pod, V1Job? job, DateTimeOffset now, TimeSpan unschedulableWait)
    {
        if (pod is null && job is null)
        {
            return PodVerdict.Nothing;
        }

        var podEnded = pod?.Status?.Phase is "Succeeded" or "Failed";
        var jobEnded = job?.Status?.Conditions?.Any(c => c is { Type: "Complete" or "Failed", Status: "True" }) == true;
        var failure = PodFailures.Find(pod, job, now, unschedulableWait);
        var progress = failure is null && !podEnded && !jobEnded ? PodProgressRows.Of(pod, job, now, unschedulableWait) : null;
        return new PodVerdict
        {
            Progress = progress,
            Failure = failure,
            PodEnded = podEnded,
            JobEnded = jobEnded,
            JobContainerExit = pod is null ? null : PodFacts.JobTerminated(pod)?.ExitCode,
            RecheckAt = progress?.State.Stage == PodStage.WaitingForNode && PodScheduling.Unschedulable(pod!, now) is { } unschedulable
                ? unschedulable.Since + unschedulableWait
                : failure is null ? PodFailures.PodCatchUpEnds(pod, job, now) : null,
        };
    }
}
