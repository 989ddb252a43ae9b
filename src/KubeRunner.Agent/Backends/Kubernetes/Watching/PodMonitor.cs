using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>
/// Follows one task's Job and pod through the namespace's watch: writes each new pending state to the
/// task log (waiting for a node, pulling, the executor being copied in), and ends when the job
/// container ends or the pod cannot run, with the failure named. Reads no API itself.
/// </summary>
internal sealed class PodMonitor(TaskWatch watch, TimeSpan unschedulableWait, Action<string> log, TimeProvider time, ILogger logger, long taskId)
{
    /// <summary>Why the pod could not run the job, or stopped running it, when that is what ended it.</summary>
    public string? Failure { get; private set; }

    /// <summary>The short name of <see cref="Failure"/> for metrics, e.g. <c>OOMKilled</c>.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>The job's pod, once one was seen.</summary>
    public string? PodName { get; private set; }

    /// <summary>Whether the job container was seen running (so an executor may be attached).</summary>
    public bool Started { get; private set; }

    /// <summary>
    /// Follows the task until its job container ends. When <paramref name="cancel"/> fires before the
    /// job container ran, there is no executor to wait for, and it ends at once.
    /// </summary>
    /// <param name="adopted">
    /// The Job existed before this process looked (a takeover): when the namespace's list does not
    /// have it, it is gone, rather than not seen yet.
    /// </param>
    /// <returns>The job container's exit code, or -1 when it never ran or was lost with its pod.</returns>
    public async Task<int> RunAsync(CancellationToken cancel, CancellationToken stop, bool adopted = false)
    {
        PodState? shown = null;
        await watch.Listed.WaitAsync(stop);
        while (!stop.IsCancellationRequested)
        {
            var snapshot = watch.Current;
            var verdict = PodDiagnosis.Diagnose(snapshot.Pod, snapshot.Job, time.GetUtcNow(), unschedulableWait);
            PodName = snapshot.Pod?.Metadata.Name ?? PodName;
            if (verdict.Progress is { } progress && progress.State != shown)
            {
                shown = progress.State;
                Started |= progress.State.Stage == PodStage.Running;
                // Once the executor runs, its own rows tell the story.
                if (progress.State.Stage != PodStage.Running)
                {
                    log(progress.Line);
                }
            }

            if (verdict.JobContainerExit is { } code)
            {
                Started = true;
                KubernetesLog.PodEnded(logger, taskId, PodName ?? "?", $"job container exit code {code}");
                if (verdict.Failure is { IsInfrastructure: true } killed)
                {
                    (Failure, FailureReason) = (killed.Line, killed.Reason);
                }

                return code;
            }

            if (verdict.Failure is { IsInfrastructure: true } failure)
            {
                (Failure, FailureReason) = (failure.Line, failure.Reason);
                KubernetesLog.InfrastructureFailure(logger, taskId, failure.Line);
                return -1;
            }

            if (snapshot.JobGone || (adopted && snapshot.Job is null && snapshot.Pod is null))
            {
                (Failure, FailureReason) = ("The task's Job was deleted by someone other than the runner while the job ran.", "JobDeleted");
                return -1;
            }

            if (cancel.IsCancellationRequested && !Started)
            {
                return -1;
            }

            await NextAsync(verdict.RecheckAt, cancel, stop);
        }

        return -1;
    }

    private async Task NextAsync(DateTimeOffset? recheckAt, CancellationToken cancel, CancellationToken stop)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stop, Started ? CancellationToken.None : cancel);
        if (recheckAt is { } at)
        {
            wake.CancelAfter(TimeSpan.FromTicks(Math.Max(0, (at - time.GetUtcNow()).Ticks)) + TimeSpan.FromMilliseconds(50));
        }

        try
        {
            await watch.Changes.WaitToReadAsync(wake.Token);
            watch.Changes.TryRead(out _);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            // A recheck time, or a cancel before the job container ran: look again.
        }
    }
}
