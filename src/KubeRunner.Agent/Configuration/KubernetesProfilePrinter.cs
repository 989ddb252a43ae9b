using k8s;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Writes <c>kubernetes.profiles</c> for <c>kube-runner config</c>: the keys as config.yaml spells them,
/// the pass-through parts (tolerations, affinity, security contexts) in Kubernetes' own field names.
/// </summary>
internal static class KubernetesProfilePrinter
{
    public static void Emit(IEmitter emitter, IReadOnlyDictionary<string, KubernetesProfile> profiles)
    {
        var tree = profiles.OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .ToDictionary(entry => entry.Key, entry => (object)Describe(entry.Value), StringComparer.Ordinal);

        // KubernetesClient's serializer knows the models' field names; its events are re-emitted
        // into the printer's document rather than pasted as text, so indentation stays right.
        var parser = new Parser(new StringReader(KubernetesYaml.Serialize(tree)));
        while (parser.MoveNext())
        {
            if (parser.Current is not (StreamStart or StreamEnd or DocumentStart or DocumentEnd) && parser.Current is { } current)
            {
                emitter.Emit(current);
            }
        }
    }

    private static Dictionary<string, object?> Describe(KubernetesProfile profile)
    {
        var tree = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["namespace"] = profile.Namespace,
            ["image"] = profile.Image,
            ["executor_image"] = profile.ExecutorImage,
        };
        foreach (var (key, resource) in new[] { ("cpu", "cpu"), ("memory", "memory"), ("ephemeral_storage", "ephemeral-storage") })
        {
            tree[key] = profile.Requests.GetValueOrDefault(resource) ?? "";
            tree[key + "_limit"] = profile.Limits.GetValueOrDefault(resource) ?? "";
            tree["max_" + key] = profile.Caps.GetValueOrDefault(resource) ?? "";
        }

        tree["node_selector"] = profile.NodeSelector;
        tree["tolerations"] = profile.Tolerations.ToList();
        tree["affinity"] = profile.Affinity;
        tree["priority_class"] = profile.PriorityClass;
        tree["runtime_class"] = profile.RuntimeClass;
        tree["service_account"] = profile.ServiceAccount;
        tree["automount_service_account_token"] = profile.AutomountServiceAccountToken;
        tree["image_pull_secrets"] = profile.ImagePullSecrets.ToList();
        tree["image_pull_policy"] = profile.ImagePullPolicy;
        tree["pod_security_context"] = profile.PodSecurityContext;
        tree["security_context"] = profile.SecurityContext;
        tree["labels"] = profile.Labels;
        tree["annotations"] = profile.Annotations;
        tree["eviction_protection"] = profile.EvictionProtection;
        return tree;
    }
}
