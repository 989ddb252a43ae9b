namespace KubeRunner.Agent.Backends.Kubernetes.Spec;

/// <summary>A task cannot become a Job (a cap exceeded, no image); the message is one line for the task log.</summary>
internal sealed class KubernetesSpecException(string message) : Exception(message);
