using System.Globalization;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Backends.Kubernetes.Spec;

/// <summary>
/// The labels and annotations of a task's objects. Labels (sanitised to label-value rules) let a
/// restarted agent select its Jobs; annotations keep the exact text for people and for adoption.
/// </summary>
internal static class KubernetesLabels
{
    public const string Prefix = "kube-runner.forgejo.org/";
    public const string RunnerUuid = Prefix + "runner-uuid";
    public const string TaskId = Prefix + "task-id";
    public const string Repository = Prefix + "repository";
    public const string Run = Prefix + "run";
    public const string Job = Prefix + "job";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "kube-runner";

    /// <summary>
    /// On the Secret that keeps a runner's registration: the runner's uuid. Deliberately not
    /// <see cref="RunnerUuid"/>, which marks task objects, all of which a restarted agent may delete.
    /// </summary>
    public const string RegistrationOf = Prefix + "registration-of";

    public static Dictionary<string, string> For(KubernetesJobRequest request, KubernetesProfile profile)
    {
        // The profile's labels first: the ones the agent relies on to find its Jobs win.
        var labels = new Dictionary<string, string>(profile.Labels, StringComparer.Ordinal)
        {
            [ManagedBy] = ManagedByValue,
            [RunnerUuid] = KubernetesNames.ToLabelValue(request.RunnerUuid),
            [TaskId] = request.TaskId.ToString(CultureInfo.InvariantCulture),
            [Repository] = KubernetesNames.ToLabelValue(request.Repository),
            [Run] = KubernetesNames.ToLabelValue(request.RunId),
            [Job] = KubernetesNames.ToLabelValue(request.JobId),
        };
        return labels;
    }

    public static Dictionary<string, string> Annotations(KubernetesJobRequest request, KubernetesProfile profile)
    {
        var annotations = new Dictionary<string, string>(profile.Annotations, StringComparer.Ordinal)
        {
            [Repository] = request.Repository,
            [Job] = request.JobId,
            [Prefix + "label"] = request.Label,
        };
        if (profile.EvictionProtection == KubernetesProfile.EvictionAnnotation)
        {
            // Karpenter's and the cluster autoscaler's ways of saying "do not move this pod".
            annotations["karpenter.sh/do-not-disrupt"] = "true";
            annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"] = "false";
        }

        return annotations;
    }
}
