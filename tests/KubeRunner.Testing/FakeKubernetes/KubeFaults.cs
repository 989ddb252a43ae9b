using System.Net;
using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>
/// Failures a test asked the fake to answer (see <see cref="FakeKubeApiServer.FailNext"/>): each
/// matches a verb and resource as the request log names them and is used up after its count.
/// </summary>
internal sealed class KubeFaults
{
    private readonly Lock _gate = new();
    private readonly List<Fault> _pending = [];

    public void Add(string verb, string resource, int statusCode, string message, int times)
    {
        if (statusCode is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "a failure is answered with a 4xx or 5xx status");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_gate)
        {
            _pending.Add(new Fault(verb, resource, statusCode, message) { Left = times });
        }
    }

    /// <summary>The failure to answer a request with, using up one of its times; null to serve the request.</summary>
    /// <param name="resource">The plural with its subresource, e.g. <c>jobs</c> or <c>pods/log</c>.</param>
    public KubeApiException? Take(string verb, string resource, KubeResource kind, string? name)
    {
        lock (_gate)
        {
            var fault = _pending.FirstOrDefault(f => f.Verb == verb && f.Resource == resource);
            if (fault is null)
            {
                return null;
            }

            if (--fault.Left == 0)
            {
                _pending.Remove(fault);
            }

            // The details an API server gives with a refusal: the object as far as the request names it.
            return new KubeApiException((HttpStatusCode)fault.StatusCode, ReasonOf(fault.StatusCode), fault.Message,
                new V1StatusDetails { Name = name, Group = kind.Group, Kind = kind.Plural });
        }
    }

    // Kubernetes' StatusReason for each code (k8s.io/apimachinery/pkg/apis/meta/v1/types.go).
    private static string ReasonOf(int statusCode) => statusCode switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Expired",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => statusCode >= 500 ? "InternalError" : "",
    };

    private sealed record Fault(string Verb, string Resource, int StatusCode, string Message)
    {
        public int Left { get; set; }
    }
}
