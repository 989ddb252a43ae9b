using KubeRunner.Agent.Backends.Docker.Spec;
using KubeRunner.Agent.Configuration;

namespace KubeRunner.Agent.Backends.Kubernetes.Spec;

/// <summary>Everything <see cref="KubernetesJobBuilder"/> needs to make a task's objects; no cluster state.</summary>
/// <param name="Label">The label (profile name), for messages.</param>
/// <param name="Namespace">kubernetes.namespace, used when the profile names none.</param>
/// <param name="Container">The job's evaluated <c>container:</c>, or <see cref="WorkflowContainer.None"/>.</param>
/// <param name="Services">The job's evaluated <c>services:</c>, in the workflow's order.</param>
/// <param name="ReconnectWindow">How long the executor keeps trying to reach a restarting agent (executor.reconnect_window).</param>
/// <param name="SecretValues">The task's secret values: none may end up in an object (checked, not trusted).</param>
internal sealed record KubernetesJobRequest(
    KubernetesProfile Profile,
    string Label,
    string Namespace,
    string RunnerUuid,
    long TaskId,
    string Repository,
    string RunId,
    string JobId,
    WorkflowContainer Container,
    IReadOnlyList<WorkflowContainer> Services,
    TimeSpan TaskTimeout,
    TimeSpan ReconnectWindow,
    string AgentAddress,
    string ExecutorToken,
    IReadOnlyCollection<string> SecretValues);

/// <summary>The objects of one task: the Job, the Secret it reads, and a PodDisruptionBudget when the profile asks.</summary>
internal sealed record KubernetesTaskObjects(k8s.Models.V1Job Job, k8s.Models.V1Secret Secret, k8s.Models.V1PodDisruptionBudget? DisruptionBudget);
