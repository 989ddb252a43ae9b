using System.Text.Json.Serialization;

namespace KubeRunner.Agent.Standby;

/// <summary>
/// What an agent tells its peers about itself (<c>/standby/v1/status</c>). No wall-clock time: a
/// peer compares <see cref="BootId"/> and <see cref="Sequence"/> across polls, and ages are measured on
/// the answering agent's own monotonic clock, so that clock skew between machines cannot matter.
/// </summary>
/// <param name="BootId">New at every start of the agent: a change means the peer restarted.</param>
/// <param name="Sequence">Grows by one with every answer of this boot.</param>
/// <param name="Busy">Tasks running now, those taken over after a restart included.</param>
/// <param name="Accepting">Whether the agent takes new jobs (false while it drains or stops).</param>
/// <param name="ForgeOk">Whether a request to the forge succeeded recently (the readiness check's window).</param>
/// <param name="SinceLastFetchOkMs">Milliseconds since the last FetchTask that got an answer; null before the first.</param>
internal sealed record PeerStatus(
    [property: JsonPropertyName("runner_uuid")] string RunnerUuid,
    [property: JsonPropertyName("boot_id")] string BootId,
    [property: JsonPropertyName("seq")] long Sequence,
    [property: JsonPropertyName("labels")] IReadOnlyList<string> Labels,
    [property: JsonPropertyName("capacity")] int Capacity,
    [property: JsonPropertyName("busy")] int Busy,
    [property: JsonPropertyName("accepting")] bool Accepting,
    [property: JsonPropertyName("forge_ok")] bool ForgeOk,
    [property: JsonPropertyName("since_last_fetch_ok_ms")] long? SinceLastFetchOkMs);

[JsonSerializable(typeof(PeerStatus))]
internal sealed partial class PeerStatusJson : JsonSerializerContext;
