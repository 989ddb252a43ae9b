using System.Collections.Immutable;

namespace KubeRunner.Agent.Configuration;

/// <summary>The <c>kubernetes</c> section of config.yaml: how the agent reaches the cluster and the label profiles.</summary>
internal sealed record KubernetesOptions
{
    public const string DefaultNamespace = "kube-runner";

    public static readonly TimeSpan DefaultUnschedulableTimeout = TimeSpan.FromMinutes(10);

    /// <summary>A kubeconfig file; empty means the in-cluster service account when the agent runs in a pod, else ~/.kube/config.</summary>
    public string Kubeconfig { get; init; } = "";

    /// <summary>The namespace of profiles that name none.</summary>
    public string Namespace { get; init; } = DefaultNamespace;

    /// <summary>
    /// The URL job pods dial to reach the agent's executor service (executor.listen), usually the
    /// Service in front of the agent, e.g. <c>http://kube-runner.kube-runner.svc:8081</c>.
    /// </summary>
    public string AgentAddress { get; init; } = "";

    /// <summary>Client-side rate limit of API requests per second.</summary>
    public int Qps { get; init; } = 5;

    /// <summary>Requests allowed at once above <see cref="Qps"/>.</summary>
    public int Burst { get; init; } = 10;

    /// <summary>
    /// How long a task's pod may stay unschedulable (no node fits it) before the task fails with the
    /// scheduler's message; until then the task log shows that it waits for a node, since an
    /// autoscaler may still add one.
    /// </summary>
    public TimeSpan UnschedulableTimeout { get; init; } = DefaultUnschedulableTimeout;

    public static readonly ImmutableSortedDictionary<string, KubernetesProfile> NoProfiles = ImmutableSortedDictionary.Create<string, KubernetesProfile>(StringComparer.Ordinal);

    /// <summary>Label name → how that label's Jobs are made.</summary>
    public ImmutableSortedDictionary<string, KubernetesProfile> Profiles { get; init; } = NoProfiles;
}
