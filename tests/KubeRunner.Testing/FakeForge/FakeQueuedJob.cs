namespace KubeRunner.Testing.FakeForge;

/// <summary>A snapshot of a queued job as the fake forge tracks it: when it was queued and when a task took it.</summary>
public sealed class FakeQueuedJob
{
    public required long Id { get; init; }

    /// <summary>The per-attempt handle Forgejo 15's jobs list shows.</summary>
    public required string Handle { get; init; }

    public required long Attempt { get; init; }

    /// <summary><c>owner/repo</c>.</summary>
    public required string Repository { get; init; }

    public required IReadOnlyList<string> RunsOn { get; init; }

    /// <summary>When it was queued, by the forge's clock.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Held back by <see cref="FakeForge.HoldJob"/>: listed as waiting, never handed out.</summary>
    public required bool Held { get; init; }

    /// <summary>0 while it waits.</summary>
    public required long TaskId { get; init; }

    /// <summary>When a FetchTask bound it to a task, by the forge's clock.</summary>
    public DateTimeOffset? AssignedAt { get; init; }

    /// <summary>Its task finished (or was stopped): no longer listed.</summary>
    public required bool IsDone { get; init; }

    /// <summary>How long it had waited when it was claimed; null while it waits.</summary>
    public TimeSpan? ClaimedAtAge => AssignedAt - CreatedAt;
}
