using System.Net;
using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes;

/// <summary>A failed API call, answered as a Kubernetes <c>Status</c> object with the same code, reason and message.</summary>
internal sealed class KubeApiException(HttpStatusCode code, string reason, string message, V1StatusDetails? details = null)
    : Exception(message)
{
    public HttpStatusCode Code { get; } = code;

    public string Reason { get; } = reason;

    public V1StatusDetails? Details { get; } = details;

    public static KubeApiException NotFound(KubeResource resource, string name) =>
        new(HttpStatusCode.NotFound, "NotFound", $"{resource.QualifiedName} \"{name}\" not found", DetailsOf(resource, name));

    public static KubeApiException AlreadyExists(KubeResource resource, string name) =>
        new(HttpStatusCode.Conflict, "AlreadyExists", $"{resource.QualifiedName} \"{name}\" already exists", DetailsOf(resource, name));

    public static KubeApiException Conflict(KubeResource resource, string name) =>
        new(HttpStatusCode.Conflict, "Conflict", $"Operation cannot be fulfilled on {resource.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");

    public static KubeApiException BadRequest(string message) => new(HttpStatusCode.BadRequest, "BadRequest", message);

    public static KubeApiException Invalid(KubeResource resource, string name, string message) =>
        new(HttpStatusCode.UnprocessableEntity, "Invalid", $"{resource.Kind} \"{name}\" is invalid: {message}", DetailsOf(resource, name));

    public static KubeApiException Gone(string message) => new(HttpStatusCode.Gone, "Expired", message);

    public V1Status ToStatus() => new()
    {
        ApiVersion = "v1",
        Kind = "Status",
        Metadata = new V1ListMeta(),
        Status = "Failure",
        Message = Message,
        Reason = Reason,
        Details = Details,
        Code = (int)Code,
    };

    private static V1StatusDetails DetailsOf(KubeResource resource, string name) =>
        new() { Name = name, Group = resource.Group, Kind = resource.Plural };
}
