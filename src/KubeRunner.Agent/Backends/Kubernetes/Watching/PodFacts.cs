using System.Globalization;
using k8s.Models;
using KubeRunner.Agent.Backends.Docker;
using KubeRunner.Agent.Backends.Kubernetes.Spec;

namespace KubeRunner.Agent.Backends.Kubernetes.Watching;

/// <summary>Look-ups in a pod's spec and status, and the words for a container's end.</summary>
internal static class PodFacts
{
    public static string Name(V1Pod pod) => pod.Metadata?.Name ?? "(unnamed)";

    public static bool IsService(V1Container container) => container.RestartPolicy == "Always";

    /// <summary>The init containers that run to completion (here <c>executor</c>), in order; services excluded.</summary>
    public static IEnumerable<V1Container> PlainInitContainers(V1Pod pod) => (pod.Spec?.InitContainers ?? []).Where(c => !IsService(c));

    public static IEnumerable<V1Container> Services(V1Pod pod) => (pod.Spec?.InitContainers ?? []).Where(IsService);

    public static V1Container? Spec(V1Pod pod, string name) =>
        pod.Spec?.Containers?.FirstOrDefault(c => c.Name == name) ?? pod.Spec?.InitContainers?.FirstOrDefault(c => c.Name == name);

    public static V1ContainerStatus? Status(V1Pod pod, string name) =>
        pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == name) ?? pod.Status?.InitContainerStatuses?.FirstOrDefault(c => c.Name == name);

    public static V1ContainerStateTerminated? JobTerminated(V1Pod pod) => Status(pod, KubernetesJobBuilder.JobContainer)?.State?.Terminated;

    public static V1PodCondition? Condition(V1Pod pod, string type) => pod.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static string Image(V1Pod pod, string container) => Spec(pod, container)?.Image ?? Status(pod, container)?.Image ?? "(no image)";

    /// <summary>A container's limit as written in the spec (e.g. <c>64Gi</c>), or null when it has none.</summary>
    public static string? Limit(V1Container? container, string resource) =>
        container?.Resources?.Limits is { } limits && limits.TryGetValue(resource, out var quantity) ? quantity.ToString() : null;

    /// <summary>" on node N", or nothing before the scheduler chose one.</summary>
    public static string OnNode(V1Pod pod) => pod.Spec?.NodeName is { Length: > 0 } node ? $" on node {node}" : "";

    /// <summary>E.g. <c>exit code 137: out of memory (limit 64Gi)</c> or <c>exit code 1: cp: can't create …</c>.</summary>
    public static string Ended(V1Pod pod, string container, V1ContainerStateTerminated terminated)
    {
        if (terminated.Reason == "OOMKilled")
        {
            // Without a limit the kernel killed it because the node itself ran out of memory.
            var limit = Limit(Spec(pod, container), "memory");
            return string.Create(CultureInfo.InvariantCulture,
                $"exit code {terminated.ExitCode}: out of memory ({(limit is null ? "no memory limit: the node ran out" : $"limit {limit}")})");
        }

        var text = ExecutorExit.Describe(terminated.ExitCode);
        // "Error" and "Completed" only repeat what the exit code says.
        if (terminated.Reason is { Length: > 0 } reason and not ("Error" or "Completed"))
        {
            text += $" ({reason})";
        }

        return terminated.Message is { } message && message.Trim() is { Length: > 0 } trimmed ? $"{text}: {trimmed}" : text;
    }

    /// <summary>Kubernetes times come back with any DateTimeKind; they are UTC.</summary>
    public static DateTimeOffset? Utc(DateTime? time) => time switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero),
        { } other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc), TimeSpan.Zero),
    };
}
