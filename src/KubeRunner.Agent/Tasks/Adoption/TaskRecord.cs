using System.Text.Json.Serialization;

namespace KubeRunner.Agent.Tasks.Adoption;

/// <summary>
/// What a later agent process needs to take over a running task whose executor outlived the agent:
/// which task, the hash of the executor's token (never the token), where the executor's rows start
/// in the forge's log, how many steps the forge shows, and what to watch and clean up afterwards.
/// </summary>
/// <param name="Backend">The backend that runs the task; records written before it existed are host tasks.</param>
/// <param name="ContainerId">The job container of a Docker task (its other objects are found by their labels).</param>
internal sealed record TaskRecord(
    long TaskId,
    string TokenHash,
    long BaseRow,
    int StepCount,
    int ExecutorPid,
    string Directory,
    string Label,
    string? Backend = null,
    string? ContainerId = null)
{
    public const string HostBackend = "host";

    [JsonIgnore]
    public string BackendName => Backend ?? HostBackend;
}

[JsonSerializable(typeof(TaskRecord))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class TaskRecordJson : JsonSerializerContext;
