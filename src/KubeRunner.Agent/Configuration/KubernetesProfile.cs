using System.Collections.Immutable;
using k8s.Models;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// One entry of <c>kubernetes.profiles</c>: how the Job of a label of that name is made. Quantities
/// are kept as written (already checked against Kubernetes' quantity rules by the reader); the
/// pass-through keys (tolerations, affinity, security contexts) are KubernetesClient models read
/// strictly, so a typo fails at load with its line instead of at the API server.
/// </summary>
internal sealed record KubernetesProfile
{
    public const string EvictionNone = "none";
    public const string EvictionPdb = "pdb";
    public const string EvictionAnnotation = "annotation";

    /// <summary>The image the init container copies the executor from when the profile names none.</summary>
    public const string DefaultExecutorImage = "kube-runner-executor:latest";

    public static readonly IReadOnlyList<string> Keys =
    [
        "namespace", "image", "executor_image",
        "cpu", "memory", "ephemeral_storage",
        "cpu_limit", "memory_limit", "ephemeral_storage_limit",
        "max_cpu", "max_memory", "max_ephemeral_storage",
        "node_selector", "tolerations", "affinity", "priority_class", "runtime_class",
        "service_account", "automount_service_account_token",
        "image_pull_secrets", "image_pull_policy",
        "pod_security_context", "security_context",
        "labels", "annotations", "eviction_protection",
    ];

    /// <summary>Empty means <c>kubernetes.namespace</c>.</summary>
    public string Namespace { get; init; } = "";

    /// <summary>The job's image when the workflow has no <c>container.image</c>; empty for none (then the workflow must name one).</summary>
    public string Image { get; init; } = "";

    public string ExecutorImage { get; init; } = DefaultExecutorImage;

    /// <summary>Requests of the job container: <c>cpu</c>, <c>memory</c>, <c>ephemeral-storage</c> (Kubernetes names).</summary>
    public ImmutableSortedDictionary<string, string> Requests { get; init; } = Empty;

    /// <summary>Limits of the job container, same names; a resource with a request and no limit is limited to its request.</summary>
    public ImmutableSortedDictionary<string, string> Limits { get; init; } = Empty;

    /// <summary>The most a workflow may ask for, same names; a resource without a cap cannot be raised by a workflow.</summary>
    public ImmutableSortedDictionary<string, string> Caps { get; init; } = Empty;

    public ImmutableSortedDictionary<string, string> NodeSelector { get; init; } = Empty;

    public ImmutableArray<V1Toleration> Tolerations { get; init; } = [];

    public V1Affinity? Affinity { get; init; }

    public string PriorityClass { get; init; } = "";

    public string RuntimeClass { get; init; } = "";

    public string ServiceAccount { get; init; } = "";

    /// <summary>Off unless the profile asks: a job's steps should not hold the API credentials of a service account.</summary>
    public bool AutomountServiceAccountToken { get; init; }

    public ImmutableArray<string> ImagePullSecrets { get; init; } = [];

    /// <summary>Empty leaves Kubernetes' default (IfNotPresent, or Always for :latest).</summary>
    public string ImagePullPolicy { get; init; } = "";

    public V1PodSecurityContext? PodSecurityContext { get; init; }

    public V1SecurityContext? SecurityContext { get; init; }

    public ImmutableSortedDictionary<string, string> Labels { get; init; } = Empty;

    public ImmutableSortedDictionary<string, string> Annotations { get; init; } = Empty;

    /// <summary><see cref="EvictionNone"/>, <see cref="EvictionPdb"/> or <see cref="EvictionAnnotation"/>.</summary>
    public string EvictionProtection { get; init; } = EvictionNone;

    public static readonly ImmutableSortedDictionary<string, string> Empty = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
}
