using System.Collections.Concurrent;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>
/// One API request as the audit log would record it: <paramref name="Verb"/> is Kubernetes' verb
/// (create, get, list, watch, delete, update, patch), <paramref name="Resource"/> the plural
/// (e.g. <c>jobs</c>, <c>pods/log</c>), <paramref name="Time"/> when it arrived (the audit log's
/// requestReceivedTimestamp, at the precision of the fake's clock).
/// </summary>
public sealed record KubeRequest(string Method, string Path, string Query, string Verb, string Resource, string? Namespace, string? Name, int StatusCode,
    DateTimeOffset Time);

/// <summary>Every request the fake answered, in arrival order, so tests can count API calls per job.</summary>
public sealed class KubeRequestLog
{
    private readonly ConcurrentQueue<KubeRequest> _requests = new();

    public IReadOnlyList<KubeRequest> All => [.. _requests];

    public int Count(string verb, string resource) => _requests.Count(r => r.Verb == verb && r.Resource == resource);

    internal void Add(KubeRequest request) => _requests.Enqueue(request);
}
