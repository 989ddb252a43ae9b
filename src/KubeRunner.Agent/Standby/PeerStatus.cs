using System.Text.Json.Serialization;

namespace KubeRunner.Agent.Standby;

/// <summary>
/// What an agent tells its peers about itself (<c>/standby/v1/status</c>). No wall-clock time: a
/// peer compares <see cref="BootId"/> and <see cref="Sequence"/> across polls, and ages are measured on
/// the answering agent's own monotonic clock, so that clock skew between machines cannot matter.
/// </summary>
/// <param name="BootId">New at every start of the agent: a change means the peer restarted.</param>
/// <param name="Sequence">Grows by one with every answer of this boot.</param>
/// <param name="Priority">standby.priority: 0 for a primary.</param>
/// <param name="Mode">normal (a primary), standby (holding back), active (a standby that took over) or draining.</param>
/// <param name="Busy">Tasks running now, those taken over after a restart included.</param>
/// <param name="Accepting">Whether the agent takes new jobs (false while it drains or stops).</param>
/// <param name="ForgeOk">Whether a request to the forge succeeded recently (the readiness check's window).</param>
/// <param name="SinceLastFetchOkMs">Milliseconds since the last FetchTask that got an answer; null before the first.</param>
/// <param name="FetchIntervalMs">Its fetch_interval, so that a peer can tell a stalled fetch loop from a slow one.</param>
/// <param name="FetchTimeoutMs">Its fetch_timeout, for the same reason.</param>
/// <param name="Standby">What a standby sees of its own peers; null for a primary.</param>
internal sealed record PeerStatus(
    [property: JsonPropertyName("runner_uuid")] string RunnerUuid,
    [property: JsonPropertyName("boot_id")] string BootId,
    [property: JsonPropertyName("seq")] long Sequence,
    [property: JsonPropertyName("priority")] int Priority,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("labels")] IReadOnlyList<string> Labels,
    [property: JsonPropertyName("capacity")] int Capacity,
    [property: JsonPropertyName("busy")] int Busy,
    [property: JsonPropertyName("accepting")] bool Accepting,
    [property: JsonPropertyName("forge_ok")] bool ForgeOk,
    [property: JsonPropertyName("since_last_fetch_ok_ms")] long? SinceLastFetchOkMs,
    [property: JsonPropertyName("fetch_interval_ms")] long FetchIntervalMs,
    [property: JsonPropertyName("fetch_timeout_ms")] long FetchTimeoutMs,
    [property: JsonPropertyName("standby"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StandbyView? Standby = null);

/// <summary>A standby's own view, for <c>kube-runner status</c>: why it holds back or took over.</summary>
/// <param name="GraceMs">How old a waiting job must be before this standby claims it now; null while active or draining.</param>
/// <param name="SinceModeChangeMs">Milliseconds since the mode last changed (or since the start).</param>
/// <param name="ModeReason">The evidence behind the last mode change, in words.</param>
/// <param name="ForgeApi">What the forge's API gives this standby (jobs and runner status, jobs only, or why nothing).</param>
/// <param name="WaitingJobs">Jobs waiting on the forge that this runner could take, as last read.</param>
/// <param name="OldestWaitingMs">How long the oldest of them has been seen waiting.</param>
/// <param name="Claims">Jobs this standby claimed since it started.</param>
internal sealed record StandbyView(
    [property: JsonPropertyName("grace_ms")] long? GraceMs,
    [property: JsonPropertyName("since_mode_change_ms")] long SinceModeChangeMs,
    [property: JsonPropertyName("mode_reason")] string ModeReason,
    [property: JsonPropertyName("forge_api")] string ForgeApi,
    [property: JsonPropertyName("waiting_jobs")] int WaitingJobs,
    [property: JsonPropertyName("oldest_waiting_ms")] long? OldestWaitingMs,
    [property: JsonPropertyName("claims")] long Claims,
    [property: JsonPropertyName("peers")] IReadOnlyList<PeerView> Peers);

/// <summary>One higher-priority peer as a standby sees it.</summary>
/// <param name="State">healthy, saturated, draining, wedged, unknown, down, or starting (not heard from yet).</param>
/// <param name="SinceAnswerMs">Milliseconds since its last answer; null if it never answered.</param>
/// <param name="ForgeStatus">offline, idle or active, as the forge's runner list says; null without that API.</param>
/// <param name="Evidence">Why this state, in words (e.g. "3 missed reads; forge says offline").</param>
internal sealed record PeerView(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("runner_uuid")] string? RunnerUuid,
    [property: JsonPropertyName("boot_id")] string? BootId,
    [property: JsonPropertyName("seq")] long? Sequence,
    [property: JsonPropertyName("misses")] int Misses,
    [property: JsonPropertyName("since_answer_ms")] long? SinceAnswerMs,
    [property: JsonPropertyName("forge_status")] string? ForgeStatus,
    [property: JsonPropertyName("evidence")] string Evidence);

[JsonSerializable(typeof(PeerStatus))]
internal sealed partial class PeerStatusJson : JsonSerializerContext;
