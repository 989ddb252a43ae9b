namespace KubeRunner.Agent.Backends.Kubernetes;

/// <summary>A task's Job as the backend addresses it; the UID makes every delete hit this Job and no later one of the same name.</summary>
internal sealed record KubernetesJobHandle(string Namespace, string Name, string Uid)
{
    /// <summary><c>namespace/name/uid</c>, as a task record keeps it.</summary>
    public override string ToString() => $"{Namespace}/{Name}/{Uid}";

    public static KubernetesJobHandle? Parse(string? text) =>
        text?.Split('/') is [var ns, var name, var uid] && ns.Length > 0 && name.Length > 0 && uid.Length > 0 ? new(ns, name, uid) : null;
}
