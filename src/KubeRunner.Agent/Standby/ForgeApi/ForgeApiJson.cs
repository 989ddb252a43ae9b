using System.Text.Json.Serialization;

namespace KubeRunner.Agent.Standby.ForgeApi;

/// <summary>
/// An item of Forgejo's jobs list (standby.md §2.5). <c>attempt</c> and <c>handle</c> come with Forgejo 15;
/// other fields are not read.
/// </summary>
internal sealed record ApiRunJob(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("attempt")] long? Attempt,
    [property: JsonPropertyName("handle")] string? Handle,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("runs_on")] IReadOnlyList<string>? RunsOn,
    [property: JsonPropertyName("task_id")] long TaskId,
    [property: JsonPropertyName("status")] string? Status);

/// <summary>
/// An item of Forgejo 15's runner list. Its <c>labels</c> are not read: their shape is not needed and is not
/// confirmed from a public source.
/// </summary>
internal sealed record ApiRunner(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("uuid")] string? Uuid,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("status")] string? Status);

[JsonSerializable(typeof(List<ApiRunJob>))]
[JsonSerializable(typeof(List<ApiRunner>))]
internal sealed partial class ForgeApiJson : JsonSerializerContext;
