namespace KubeRunner.Agent.Backends.Kubernetes.Api;

/// <summary>The API server refused a request (or stayed unreachable through the retries); the message is the task's closing line.</summary>
internal sealed class KubernetesApiException(string message, int? statusCode = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status of the refusal, when there was an answer.</summary>
    public int? StatusCode { get; } = statusCode;

    public bool IsNotFound => StatusCode == 404;

    public bool IsConflict => StatusCode == 409;
}
