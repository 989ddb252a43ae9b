using System.Collections.Concurrent;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>
/// An object the fake stored, by an API request or its Job controller (a Job's pod, an Event), and when
/// it entered the store. Unlike creationTimestamp, which Kubernetes keeps to the second, the time has
/// the precision of the fake's clock, so a benchmark can measure how long a pod took to exist.
/// </summary>
public sealed record KubeCreation(string Resource, string Namespace, string Name, DateTimeOffset Time);

/// <summary>Every object the fake created, in order.</summary>
public sealed class KubeCreationLog
{
    private readonly ConcurrentQueue<KubeCreation> _creations = new();

    public IReadOnlyList<KubeCreation> All => [.. _creations];

    /// <summary>When <paramref name="name"/> of <paramref name="resource"/> (e.g. <c>jobs</c>, <c>pods</c>) was created in <paramref name="ns"/>, if it was.</summary>
    public DateTimeOffset? Of(string resource, string ns, string name) =>
        _creations.FirstOrDefault(c => c.Resource == resource && c.Namespace == ns && c.Name == name)?.Time;

    internal void Add(KubeCreation creation) => _creations.Enqueue(creation);
}
