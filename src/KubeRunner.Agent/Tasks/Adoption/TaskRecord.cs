using System.Text.Json.Serialization;

namespace KubeRunner.Agent.Tasks.Adoption;

/// <summary>
/// What a later agent process needs to take over a running host task whose executor outlived the
/// agent: which task, the hash of the executor's token (never the token), where the executor's rows
/// start in the forge's log, how many steps the forge shows, and what to clean up afterwards.
/// </summary>
internal sealed record TaskRecord(
    long TaskId,
    string TokenHash,
    long BaseRow,
    int StepCount,
    int ExecutorPid,
    string Directory,
    string Label);

[JsonSerializable(typeof(TaskRecord))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class TaskRecordJson : JsonSerializerContext;
