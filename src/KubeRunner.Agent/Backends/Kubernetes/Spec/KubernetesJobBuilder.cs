using System.Globalization;
using k8s.Models;
using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Backends.Kubernetes.Spec;

/// <summary>
/// Turns a task and its label's profile into a <c>batch/v1</c> Job and its Secret, as pure data:
/// the backend creates them (and sets the Secret's owner reference to the Job once the Job has a UID),
/// <c>kube-runner render</c> prints them.
/// </summary>
internal static class KubernetesJobBuilder
{
    public const string BundleDirectory = "/__kube-runner";
    public const string Executable = BundleDirectory + "/kube-runner-executor";
    public const string TokenDirectory = "/__kube-runner-token";
    public const string Workspace = "/workspace";

    /// <summary>The runner's own files (event and output files, RUNNER_TEMP), on an emptyDir so that any user may write them.</summary>
    public const string ActDirectory = "/var/run/act";

    /// <summary>Where the executor image holds the executor bundle the init container copies.</summary>
    public const string ExecutorImageBundle = "/kube-runner-executor";

    /// <summary>The main container: the job's image, running the executor.</summary>
    public const string JobContainer = "job";

    /// <summary>The init container that copies the executor from the executor image into the pod.</summary>
    public const string ExecutorContainer = "executor";

    public const string TokenKey = "token";
    public const string AgentKey = "agent-address";

    /// <summary>How far activeDeadlineSeconds lies beyond the task timeout: the agent's own timeout and the executor's post-cancel steps come first.</summary>
    public static readonly TimeSpan DeadlineMargin = TimeSpan.FromMinutes(5);

    /// <summary>Finished Jobs the agent failed to delete (it was down) are removed by Kubernetes after this.</summary>
    public const int TtlSecondsAfterFinished = 3600;

    /// <exception cref="KubernetesSpecException">The task cannot run with this profile; the message says why.</exception>
    public static KubernetesTaskObjects Build(KubernetesJobRequest request)
    {
        var profile = request.Profile;
        var name = KubernetesNames.TaskObjects(request.TaskId, request.RunnerUuid);
        var ns = profile.Namespace.Length > 0 ? profile.Namespace : request.Namespace;
        var image = request.Container.Image ?? (profile.Image.Length > 0 ? profile.Image
            : throw new KubernetesSpecException($"the job names no container.image and profile '{request.Label}' has no image; set one of them"));
        var (requests, limits) = WorkflowResources.Resolve(profile, request.Label, request.Container.Options);
        CheckNoSecrets(request);

        var labels = KubernetesLabels.For(request, profile);
        var annotations = KubernetesLabels.Annotations(request, profile);
        var job = new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels, Annotations = annotations },
            Spec = new V1JobSpec
            {
                BackoffLimit = 0,
                ActiveDeadlineSeconds = (long)(request.TaskTimeout + DeadlineMargin).TotalSeconds,
                TtlSecondsAfterFinished = TtlSecondsAfterFinished,
                PodReplacementPolicy = "Failed",
                // A drained node or a preemption is a failure of this task, never a silent rerun of its steps.
                PodFailurePolicy = new V1PodFailurePolicy
                {
                    Rules = [new V1PodFailurePolicyRule { Action = "FailJob", OnPodConditions = [new V1PodFailurePolicyOnPodConditionsPattern { Type = "DisruptionTarget", Status = "True" }] }],
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels, Annotations = annotations },
                    Spec = PodSpec(request, name, image, requests, limits),
                },
            },
        };
        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "Opaque",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
            StringData = new Dictionary<string, string>(StringComparer.Ordinal) { [TokenKey] = request.ExecutorToken, [AgentKey] = request.AgentAddress },
        };
        var budget = profile.EvictionProtection != KubernetesProfile.EvictionPdb ? null : new V1PodDisruptionBudget
        {
            ApiVersion = "policy/v1",
            Kind = "PodDisruptionBudget",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
            Spec = new V1PodDisruptionBudgetSpec
            {
                MaxUnavailable = 0,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(StringComparer.Ordinal) { [KubernetesLabels.TaskId] = labels[KubernetesLabels.TaskId] } },
            },
        };
        return new KubernetesTaskObjects(job, secret, budget);
    }

    private static V1PodSpec PodSpec(KubernetesJobRequest request, string name, string image, IReadOnlyDictionary<string, string> requests, IReadOnlyDictionary<string, string> limits)
    {
        var profile = request.Profile;
        var initContainers = new List<V1Container> { ExecutorCopy(profile) };

        // Native sidecars (init containers that keep running): they start before the job container and
        // stop when it ends, so the pod, and the Job, completes with the job. Plain extra containers
        // would keep the pod running after the job's last step.
        initContainers.AddRange(request.Services.Select((service, index) => new V1Container
        {
            Name = ServiceName(service.ServiceId ?? $"service-{index}", index),
            Image = service.Image ?? throw new KubernetesSpecException($"{service.Subject} has no image"),
            RestartPolicy = "Always",
            Env = Env(service),
            Args = service.Cmd.Count == 0 ? null : [.. service.Cmd],
            ImagePullPolicy = NullIfEmpty(profile.ImagePullPolicy),
            SecurityContext = profile.SecurityContext,
        }));

        var ephemeralLimit = limits.GetValueOrDefault("ephemeral-storage");
        // The containers of a pod share its network: services listen on localhost, and their ids
        // resolve there, so a workflow written for Docker (redis:6379) works unchanged.
        var aliases = request.Services.Select(s => s.ServiceId).OfType<string>().Select(ServiceAlias.From).Distinct(StringComparer.Ordinal).ToList();
        return new V1PodSpec
        {
            RestartPolicy = "Never",
            AutomountServiceAccountToken = profile.AutomountServiceAccountToken,
            ServiceAccountName = NullIfEmpty(profile.ServiceAccount),
            EnableServiceLinks = false,
            NodeSelector = profile.NodeSelector.Count == 0 ? null : new Dictionary<string, string>(profile.NodeSelector, StringComparer.Ordinal),
            Tolerations = profile.Tolerations.Length == 0 ? null : [.. profile.Tolerations],
            Affinity = profile.Affinity,
            PriorityClassName = NullIfEmpty(profile.PriorityClass),
            RuntimeClassName = NullIfEmpty(profile.RuntimeClass),
            ImagePullSecrets = profile.ImagePullSecrets.Length == 0 ? null : [.. profile.ImagePullSecrets.Select(s => new V1LocalObjectReference { Name = s })],
            SecurityContext = profile.PodSecurityContext,
            HostAliases = aliases.Count == 0 ? null : [new V1HostAlias { Ip = "127.0.0.1", Hostnames = aliases }],
            InitContainers = initContainers,
            Containers =
            [
                new V1Container
                {
                    Name = JobContainer,
                    Image = image,
                    Command = [Executable],
                    Env = [.. ExecutorEnv(request), .. Env(request.Container) ?? []],
                    WorkingDir = Workspace,
                    ImagePullPolicy = NullIfEmpty(profile.ImagePullPolicy),
                    SecurityContext = profile.SecurityContext,
                    Resources = new V1ResourceRequirements
                    {
                        Requests = requests.Count == 0 ? null : requests.ToDictionary(e => e.Key, e => new ResourceQuantity(e.Value), StringComparer.Ordinal),
                        Limits = limits.Count == 0 ? null : limits.ToDictionary(e => e.Key, e => new ResourceQuantity(e.Value), StringComparer.Ordinal),
                    },
                    VolumeMounts =
                    [
                        new V1VolumeMount { Name = "executor", MountPath = BundleDirectory, ReadOnlyProperty = true },
                        new V1VolumeMount { Name = "token", MountPath = TokenDirectory, ReadOnlyProperty = true },
                        new V1VolumeMount { Name = "workspace", MountPath = Workspace },
                        new V1VolumeMount { Name = "act", MountPath = ActDirectory },
                    ],
                },
            ],
            Volumes =
            [
                new V1Volume { Name = "executor", EmptyDir = new V1EmptyDirVolumeSource() },
                new V1Volume { Name = "workspace", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = ephemeralLimit is null ? null : new ResourceQuantity(WorkspaceLimit(ephemeralLimit)) } },
                new V1Volume { Name = "act", EmptyDir = new V1EmptyDirVolumeSource() },
                // Readable by any user (0444): the job image may run as a non-root user, and the files of
                // a secret volume belong to root. The token gives no more than the job's own steps have.
                new V1Volume { Name = "token", Secret = new V1SecretVolumeSource { SecretName = name, Items = [new V1KeyToPath { Key = TokenKey, Path = TokenKey }], DefaultMode = 292 } },
            ],
        };
    }

    private static V1Container ExecutorCopy(KubernetesProfile profile) => new()
    {
        Name = ExecutorContainer,
        Image = profile.ExecutorImage,
        Command = ["/bin/sh", "-c", $"cp -R {ExecutorImageBundle}/. {BundleDirectory}/"],
        ImagePullPolicy = NullIfEmpty(profile.ImagePullPolicy),
        SecurityContext = profile.SecurityContext,
        // Small but set: a namespace with a ResourceQuota refuses pods with a container that has none.
        Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["cpu"] = new("10m"), ["memory"] = new("32Mi"), ["ephemeral-storage"] = new("64Mi") },
            Limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["memory"] = new("128Mi"), ["ephemeral-storage"] = new("64Mi") },
        },
        VolumeMounts = [new V1VolumeMount { Name = "executor", MountPath = BundleDirectory }],
    };

    private static List<V1EnvVar> ExecutorEnv(KubernetesJobRequest request) =>
    [
        new() { Name = "KUBE_RUNNER_AGENT", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = KubernetesNames.TaskObjects(request.TaskId, request.RunnerUuid), Key = AgentKey } } },
        new() { Name = "KUBE_RUNNER_TASK_ID", Value = request.TaskId.ToString(CultureInfo.InvariantCulture) },
        new() { Name = "KUBE_RUNNER_TOKEN_FILE", Value = $"{TokenDirectory}/{TokenKey}" },
        new() { Name = "KUBE_RUNNER_RECONNECT_WINDOW", Value = request.ReconnectWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture) },
    ];

    private static List<V1EnvVar>? Env(WorkflowContainer container) =>
        container.Env.Count == 0 ? null : [.. container.Env.Select(e => new V1EnvVar { Name = e.Key, Value = e.Value })];

    // Kubernetes evicts the pod when the emptyDir passes its sizeLimit, and when all of the pod's
    // writes pass the container's limit; 90% leaves room for logs and the image's own writes so the
    // workspace limit is the one that is hit, and named.
    private static string WorkspaceLimit(string ephemeralLimit)
    {
        var bytes = KubernetesQuantity.TryParse(ephemeralLimit, out var parsed) ? parsed : 0m;
        var mebibytes = decimal.Floor(bytes * 0.9m / (1024m * 1024m));
        return mebibytes % 1024m == 0 ? $"{(mebibytes / 1024m).ToString(CultureInfo.InvariantCulture)}Gi" : $"{mebibytes.ToString(CultureInfo.InvariantCulture)}Mi";
    }

    // Env values are interpolated by the time they get here, so a secret shows as its value.
    private static void CheckNoSecrets(KubernetesJobRequest request)
    {
        foreach (var container in request.Services.Prepend(request.Container))
        {
            foreach (var (key, value) in container.Env)
            {
                if (request.SecretValues.Any(secret => secret.Length > 0 && value.Contains(secret, StringComparison.Ordinal)))
                {
                    throw new KubernetesSpecException($"{container.Subject}: env {key} holds a secret, and secrets are never put into Kubernetes objects; pass it in a step's env instead");
                }
            }
        }
    }

    private static string ServiceName(string id, int index)
    {
        var name = KubernetesNames.ToLabelValue(id.ToLowerInvariant()).Replace('_', '-').Replace('.', '-');
        return KubernetesNames.IsLabelName(name) && name is not (JobContainer or ExecutorContainer) ? name : $"service-{index.ToString(CultureInfo.InvariantCulture)}";
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
