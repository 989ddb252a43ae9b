using k8s.Models;

namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>The scheduler's verdict on a pod, from its PodScheduled condition.</summary>
internal static class PodScheduling
{
    /// <summary>The scheduler found no node for the pod: its message, and since when (the condition's transition time).</summary>
    /// <param name="now">Taken as the start when the pod carries no time at all (an API server always sets one).</param>
    public static (string Message, DateTimeOffset Since)? Unschedulable(V1Pod pod, DateTimeOffset now)
    {
        if (PodFacts.Condition(pod, "PodScheduled") is not { Status: "False", Reason: "Unschedulable" } condition)
        {
            return null;
        }

        // The scheduler rewrites the message on each attempt; the transition time stays at the first.
        var since = PodFacts.Utc(condition.LastTransitionTime) ?? PodFacts.Utc(pod.Metadata?.CreationTimestamp) ?? now;
        var message = condition.Message?.Trim() is { Length: > 0 } text ? text : "the scheduler gave no message";
        return (message, since);
    }

    public static bool IsScheduled(V1Pod pod) =>
        PodFacts.Condition(pod, "PodScheduled") is { Status: "True" } || pod.Spec?.NodeName is { Length: > 0 };
}
