namespace KubeRunner.Testing.FakeKubernetes.Docker;

/// <summary>
/// The kubelet cannot build a container's configuration (a missing Secret or key): the container waits
/// with reason CreateContainerConfigError and this message, and the pod stays Pending.
/// </summary>
internal sealed class ContainerConfigException(string message) : Exception(message);

/// <summary>The pod asks for something this runner does not emulate; the pod fails with the message rather than run differently.</summary>
internal sealed class PodNotSupportedException(string message) : Exception(message);
