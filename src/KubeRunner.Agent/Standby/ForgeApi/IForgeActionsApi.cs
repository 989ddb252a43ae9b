namespace KubeRunner.Agent.Standby.ForgeApi;

/// <summary>
/// The parts of Forgejo's HTTP API (<c>/api/v1</c>) a standby reads, with a read-scoped token at the
/// runners' level (reference/standby.md §2.5). What the server offers is found out, not assumed: an
/// endpoint the server lacks answers <see cref="ForgeApiOutcome.Unsupported"/>.
/// </summary>
internal interface IForgeActionsApi
{
    /// <summary>
    /// The jobs waiting for a runner (status waiting, no task yet) whose every <c>runs-on</c> label is
    /// among <paramref name="labels"/>: exactly the jobs a runner with those labels could be given.
    /// </summary>
    Task<ForgeApiResult<IReadOnlyList<WaitingJob>>> ListWaitingJobsAsync(IReadOnlyCollection<string> labels, CancellationToken cancellationToken);

    /// <summary>The runners of the scope with their status (Forgejo 15+).</summary>
    Task<ForgeApiResult<IReadOnlyList<ForgeRunnerStatus>>> ListRunnersAsync(CancellationToken cancellationToken);
}

/// <summary>A job waiting on the forge.</summary>
/// <param name="Key">What identifies this attempt of the job: its handle (Forgejo 15+), else "id/attempt".</param>
/// <param name="Handle">The per-attempt handle; null before Forgejo 15.</param>
internal sealed record WaitingJob(string Key, long Id, string? Handle, long Attempt, string Name, IReadOnlyList<string> RunsOn);

internal enum ForgeRunnerState
{
    Offline,
    Idle,
    Active,
}

/// <summary>A runner as the forge's runner list shows it: status is offline after a minute without a call.</summary>
internal sealed record ForgeRunnerStatus(long Id, string Uuid, string Name, ForgeRunnerState Status);

internal enum ForgeApiOutcome
{
    /// <summary>The server answered; <see cref="ForgeApiResult{T}.Value"/> holds the answer.</summary>
    Ok,

    /// <summary>The server has no such endpoint (404, 405): an older Forgejo, or not Forgejo.</summary>
    Unsupported,

    /// <summary>401 or 403: the token is wrong, expired, or lacks read scope at this level.</summary>
    Refused,

    /// <summary>Unreachable, timed out, 5xx, or an answer that could not be read.</summary>
    Failed,
}

/// <param name="Problem">For every outcome but Ok: one line saying what went wrong (never the token).</param>
internal readonly record struct ForgeApiResult<T>(ForgeApiOutcome Outcome, T? Value, string? Problem)
{
    public static ForgeApiResult<T> Success(T value) => new(ForgeApiOutcome.Ok, value, null);

    public static ForgeApiResult<T> Fail(ForgeApiOutcome outcome, string problem) => new(outcome, default, problem);
}
