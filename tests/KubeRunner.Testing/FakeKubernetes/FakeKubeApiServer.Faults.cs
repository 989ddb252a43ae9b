namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>Fault injection: the API server refusing requests, as a cluster does when overloaded or denying access.</summary>
public sealed partial class FakeKubeApiServer
{
    internal KubeFaults Faults { get; } = new();

    /// <summary>
    /// Answers the next <paramref name="times"/> requests with <paramref name="verb"/> on
    /// <paramref name="resource"/> (as <see cref="KubeRequest"/> names them, e.g. <c>create</c> and
    /// <c>jobs</c>) with a Status object of that code, its Kubernetes reason (e.g. 403 Forbidden,
    /// 422 Invalid, 503 ServiceUnavailable) and <paramref name="message"/>, instead of serving them.
    /// The request log records them with that code.
    /// </summary>
    public void FailNext(string verb, string resource, int statusCode, string message, int times = 1) =>
        Faults.Add(verb, resource, statusCode, message, times);
}
