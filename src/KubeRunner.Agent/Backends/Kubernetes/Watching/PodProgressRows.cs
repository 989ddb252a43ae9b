using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Spec;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>Where a pod that has not failed is on its way to running the job: scheduling, init containers, services, the job container.</summary>
internal static class PodProgressRows
{
    public static PodProgress? Of(V1Pod? pod, V1Job? job, DateTimeOffset now, TimeSpan unschedulableWait)
    {
        if (pod is null)
        {
            return job is null ? null : Row(PodStage.WaitingForPod, null, $"Job {job.Metadata?.Name} created; waiting for its pod");
        }

        var name = PodFacts.Name(pod);
        if (PodScheduling.Unschedulable(pod, now) is { } unschedulable)
        {
            return Row(PodStage.WaitingForNode, null,
                $"Waiting for a node that can run pod {name} (the task fails after {GoDuration.Format(unschedulableWait)} without one): {unschedulable.Message}");
        }

        if (!PodScheduling.IsScheduled(pod))
        {
            // E.g. SchedulingGated: something outside the scheduler holds the pod back.
            var held = PodFacts.Condition(pod, "PodScheduled") is { Status: "False", Reason: { } reason } condition
                ? $" ({reason}{(condition.Message is { Length: > 0 } message ? $": {message}" : "")})"
                : "";
            return Row(PodStage.WaitingForScheduler, null, $"Pod {name} created; waiting for the scheduler to place it on a node{held}");
        }

        return InitContainers(pod) ?? JobContainer(pod);
    }

    // Init containers run in order, each service staying up; the first not done yet is where the pod is.
    private static PodProgress? InitContainers(V1Pod pod)
    {
        var job = PodFacts.Status(pod, KubernetesJobBuilder.JobContainer)?.State;
        var initialized = PodFacts.Condition(pod, "Initialized") is { Status: "True" }
            || job?.Running is not null || job?.Terminated is not null
            || job?.Waiting is { Reason: not "PodInitializing" };
        if (initialized)
        {
            return null;
        }

        foreach (var container in pod.Spec?.InitContainers ?? [])
        {
            var state = PodFacts.Status(pod, container.Name)?.State;
            if (PodFacts.IsService(container))
            {
                if (state?.Running is not null && PodFacts.Status(pod, container.Name)?.Started == true)
                {
                    continue;
                }

                return state?.Running is not null || state?.Terminated is not null
                    ? Row(PodStage.StartingService, container.Name, $"Starting service container {container.Name} ({container.Image})")
                    : Creating(pod, container.Name);
            }

            if (state?.Terminated is { ExitCode: 0 })
            {
                continue;
            }

            if (state?.Running is not null)
            {
                return container.Name == KubernetesJobBuilder.ExecutorContainer
                    ? Row(PodStage.RunningInitContainer, container.Name, $"Copying the executor into pod {PodFacts.Name(pod)} (init container {container.Name})")
                    : Row(PodStage.RunningInitContainer, container.Name, $"Running init container {container.Name} ({container.Image}) of pod {PodFacts.Name(pod)}");
            }

            return Creating(pod, container.Name);
        }

        return null;
    }

    private static PodProgress? JobContainer(V1Pod pod)
    {
        var state = PodFacts.Status(pod, KubernetesJobBuilder.JobContainer)?.State;
        if (state?.Terminated is not null)
        {
            return null;
        }

        return state?.Running is not null
            ? Row(PodStage.Running, KubernetesJobBuilder.JobContainer,
                $"Running the job in pod {PodFacts.Name(pod)} ({PodFacts.Image(pod, KubernetesJobBuilder.JobContainer)}){PodFacts.OnNode(pod)}")
            : Creating(pod, KubernetesJobBuilder.JobContainer);
    }

    // ContainerCreating covers the image pull, which the status does not tell apart from the rest.
    private static PodProgress Creating(V1Pod pod, string container) =>
        Row(PodStage.CreatingContainer, container,
            $"Creating container {container} of pod {PodFacts.Name(pod)}{PodFacts.OnNode(pod)}, pulling {PodFacts.Image(pod, container)} if the node does not have it");

    private static PodProgress Row(PodStage stage, string? container, string line) => new(new PodState(stage, container), line);
}
