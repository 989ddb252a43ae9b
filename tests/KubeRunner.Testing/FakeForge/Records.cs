using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Testing.FakeForge;

// The mutable rows behind the snapshots. They are only touched while FakeForgeState's lock is held.

internal sealed class RunnerRecord
{
    public required long Id { get; init; }

    public required string Uuid { get; init; }

    public required string Token { get; set; }

    public required string Name { get; set; }

    public string Version { get; set; } = "";

    public List<string> Labels { get; set; } = [];

    public bool Ephemeral { get; init; }

    public DateTimeOffset? LastOnline { get; set; }

    public DateTimeOffset? LastActive { get; set; }

    /// <summary>The owner (organisation or user) of an owner-level or repository-level runner; null for a global one.</summary>
    public string? Owner { get; init; }

    /// <summary>The repository name (without owner) of a repository-level runner.</summary>
    public string? Repository { get; init; }

    public FakeRunner Snapshot() => new()
    {
        Id = Id,
        Uuid = Uuid,
        Token = Token,
        Name = Name,
        Version = Version,
        Labels = [.. Labels],
        Ephemeral = Ephemeral,
        LastOnline = LastOnline,
        LastActive = LastActive,
        Owner = Owner,
        Repository = Repository,
    };
}

internal sealed class JobRecord
{
    public required long Id { get; init; }

    public required FakeJob Spec { get; init; }

    /// <summary>The key of the single job under <c>jobs</c> (context key <c>job</c>).</summary>
    public required string JobKey { get; init; }

    public required int StepCount { get; init; }

    public required long RunId { get; init; }

    public long TaskId { get; set; }

    /// <summary>UNSPECIFIED while waiting or running.</summary>
    public Result Result { get; set; }

    /// <summary>The opaque per-attempt id Forgejo 15 lists (a UUID made when the job is queued).</summary>
    public required string Handle { get; init; }

    public long Attempt { get; init; } = 1;

    /// <summary>When the job was queued (the fake's clock): from then on it waits.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Listed as waiting but never given to a runner, like a job held back by its concurrency group.</summary>
    public bool Held { get; set; }

    public string Owner => Spec.Repository.Split('/')[0];

    public string RepositoryName => Spec.Repository.Split('/') is [_, var name, ..] ? name : "";

    public FakeQueuedJob Snapshot(TaskRecord? task) => new()
    {
        Id = Id,
        Handle = Handle,
        Attempt = Attempt,
        Repository = Spec.Repository,
        RunsOn = [.. Spec.RunsOn],
        CreatedAt = CreatedAt,
        Held = Held,
        TaskId = TaskId,
        AssignedAt = task?.StartedAt,
        IsDone = Result != Result.Unspecified,
    };
}

internal sealed class StepRecord
{
    public required long Index { get; init; }

    public Result Result { get; set; }

    public bool IsRunning { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? StoppedAt { get; set; }

    public long LogIndex { get; set; }

    public long LogLength { get; set; }

    public FakeStep Snapshot() => new()
    {
        Index = Index,
        Result = Result,
        IsRunning = IsRunning,
        StartedAt = StartedAt,
        StoppedAt = StoppedAt,
        LogIndex = LogIndex,
        LogLength = LogLength,
    };
}

internal sealed class TaskRecord
{
    public required long Id { get; init; }

    public required JobRecord Job { get; init; }

    public required long RunnerId { get; init; }

    public required string Token { get; set; }

    public string? RequestKey { get; init; }

    public Result Result { get; set; }

    public bool IsDone => Result != Result.Unspecified;

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? StoppedAt { get; set; }

    public DateTimeOffset Updated { get; set; }

    public required List<StepRecord> Steps { get; init; }

    public List<FakeLogRow> LogRows { get; } = [];

    public bool LogArchived { get; set; }

    /// <summary>Insertion order is kept so that <c>sent_outputs</c> is stable.</summary>
    public List<KeyValuePair<string, string>> Outputs { get; } = [];

    public List<FakeTaskEvent> Journal { get; } = [];

    public void Record(DateTimeOffset now, FakeTaskEventKind kind, string description) =>
        Journal.Add(new FakeTaskEvent(now, kind, description));

    public FakeTask Snapshot() => new()
    {
        Id = Id,
        JobId = Job.Id,
        RunnerId = RunnerId,
        Token = Token,
        RequestKey = RequestKey,
        Result = Result,
        StartedAt = StartedAt,
        StoppedAt = StoppedAt,
        Steps = [.. Steps.Select(s => s.Snapshot())],
        LogRows = [.. LogRows],
        LogArchived = LogArchived,
        Outputs = Outputs.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal),
        Journal = [.. Journal],
    };
}
