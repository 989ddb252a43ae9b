using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>The Job's podFailurePolicy applied to a failed pod: the first matching rule decides.</summary>
internal static class PodFailurePolicy
{
    /// <returns>The rule's action (FailJob, Ignore, Count) or null when none matched, and the controller's message.</returns>
    public static (string? Action, string? Message) Evaluate(V1Job job, V1Pod pod)
    {
        var rules = job.Spec.PodFailurePolicy?.Rules ?? [];
        var podName = $"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}";
        for (var index = 0; index < rules.Count; index++)
        {
            var rule = rules[index];
            if (rule.OnExitCodes is { } onExitCodes)
            {
                foreach (var container in pod.Status?.ContainerStatuses ?? [])
                {
                    if (container.State?.Terminated is not { } terminated || terminated.ExitCode == 0
                        || (onExitCodes.ContainerName is { } name && name != container.Name))
                    {
                        continue;
                    }

                    var listed = onExitCodes.Values.Contains(terminated.ExitCode);
                    if (onExitCodes.OperatorProperty == "In" ? listed : !listed)
                    {
                        return (rule.Action, $"Container {container.Name} for pod {podName} failed with exit code {terminated.ExitCode} matching {rule.Action} rule at index {index}");
                    }
                }
            }

            foreach (var pattern in rule.OnPodConditions ?? [])
            {
                if (pod.Status?.Conditions?.Any(c => c.Type == pattern.Type && c.Status == (pattern.Status ?? "True")) == true)
                {
                    return (rule.Action, $"Pod {podName} has condition {pattern.Type} matching {rule.Action} rule at index {index}");
                }
            }
        }

        return (null, null);
    }
}
