using System.Text.RegularExpressions;
using k8s.Models;
using KubeRunner.Agent.Backends.Kubernetes.Spec;

namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>Pods stopped from outside: evicted by the kubelet, or marked DisruptionTarget by whoever stops them.</summary>
internal static partial class PodEvictions
{
    public static PodFailure? Evicted(V1Pod pod)
    {
        if (pod.Status?.Reason != "Evicted")
        {
            return null;
        }

        var message = pod.Status.Message?.Trim() ?? "";
        var name = PodFacts.Name(pod);
        var jobLimit = PodFacts.Limit(PodFacts.Spec(pod, KubernetesJobBuilder.JobContainer), "ephemeral-storage");
        string line;
        if (EmptyDirMessage().Match(message) is { Success: true } emptyDir)
        {
            line = $"Pod {name} was evicted for using too much ephemeral storage: volume {emptyDir.Groups["volume"].Value} passed its limit of {emptyDir.Groups["limit"].Value}";
        }
        else if (message.StartsWith("The node was low on resource: ephemeral-storage", StringComparison.Ordinal))
        {
            line = $"Pod {name} was evicted because its node ran low on ephemeral storage ({LimitText(jobLimit)} for the job container)";
        }
        else if (message.Contains("ephemeral", StringComparison.OrdinalIgnoreCase))
        {
            // The kubelet's messages about a container's or the pod's total ephemeral storage.
            line = $"Pod {name} was evicted for using too much ephemeral storage ({LimitText(jobLimit)} for the job container)";
        }
        else
        {
            line = $"Pod {name} was evicted";
        }

        return new PodFailure(PodFailureKind.Evicted, message.Length > 0 ? $"{line}: {message}" : line);
    }

    public static PodFailure? Disrupted(V1Pod pod)
    {
        if (PodFacts.Condition(pod, "DisruptionTarget") is not { Status: "True" } condition)
        {
            return null;
        }

        var reason = condition.Reason ?? "no reason given";
        var message = condition.Message?.Trim() is { Length: > 0 } text ? $": {text}" : "";
        return new PodFailure(PodFailureKind.Disrupted, $"Pod {PodFacts.Name(pod)} was stopped while the job ran: {InWords(reason)} ({reason}){message}");
    }

    private static string InWords(string reason) => reason switch
    {
        "PreemptionByScheduler" or "PreemptionByKubeScheduler" => "the scheduler preempted it to make room for a pod of higher priority",
        "DeletionByTaintManager" => "its node got a NoExecute taint (e.g. the node became unreachable) and the pod was deleted",
        "EvictionByEvictionAPI" => "it was evicted through the Eviction API (e.g. kubectl drain, or an autoscaler removing the node)",
        "DeletionByPodGC" => "the pod garbage collector deleted it because its node is gone",
        "TerminationByKubelet" => "the kubelet stopped it (node pressure or node shutdown)",
        _ => "it was disrupted",
    };

    private static string LimitText(string? limit) => limit is null ? "no limit set" : $"limit {limit}";

    // The kubelet's wording (pkg/kubelet/eviction): Usage of EmptyDir volume "workspace" exceeds the limit "90Gi".
    [GeneratedRegex("""Usage of EmptyDir volume "(?<volume>[^"]+)" exceeds the limit "(?<limit>[^"]+)"\.?""", RegexOptions.CultureInvariant)]
    private static partial Regex EmptyDirMessage();
}
