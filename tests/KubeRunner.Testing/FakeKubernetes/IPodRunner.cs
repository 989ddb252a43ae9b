using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>
/// What stands in for the kubelet: it is told about each pod the fake creates or deletes and reports
/// the pod's states back through <see cref="FakeKubeApiServer.UpdatePodStatus"/> and its logs through
/// <see cref="FakeKubeApiServer.AppendPodLog"/>. The scripted runner does nothing, so tests drive every
/// state; a Docker-backed runner can run the pod's containers for real.
/// </summary>
public interface IPodRunner
{
    Task PodCreatedAsync(FakeKubeApiServer server, V1Pod pod, CancellationToken cancellationToken);

    Task PodDeletedAsync(FakeKubeApiServer server, V1Pod pod, CancellationToken cancellationToken);
}

/// <summary>Leaves pods Pending until a test moves them (see <see cref="FakeKubeApiServer"/>'s scripting methods).</summary>
public sealed class ScriptedPodRunner : IPodRunner
{
    public Task PodCreatedAsync(FakeKubeApiServer server, V1Pod pod, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PodDeletedAsync(FakeKubeApiServer server, V1Pod pod, CancellationToken cancellationToken) => Task.CompletedTask;
}
