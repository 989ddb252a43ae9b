using KubeRunner.Agent.Standby.Claims;

namespace KubeRunner.Agent.Scheduling;

/// <summary>
/// Decides when the poller may call FetchTask. A primary's gate is open unless it drains; a standby's
/// opens only to claim a job that waited out its grace, or fully once it has taken over.
/// </summary>
internal interface IFetchGate
{
    /// <summary>Waits, holding a free slot, until a FetchTask may go out.</summary>
    ValueTask<FetchPermit> WaitAsync(CancellationToken cancellationToken);

    /// <summary>What the FetchTask sent under <paramref name="permit"/> brought.</summary>
    void Completed(FetchPermit permit, FetchOutcome outcome);
}

internal enum FetchOutcome
{
    /// <summary>The forge handed out a task.</summary>
    Task,

    /// <summary>The forge answered with no task.</summary>
    NoTask,

    /// <summary>No answer (the forge unreachable, a timeout): nothing is known about the job.</summary>
    Failed,
}

/// <summary>Leave to fetch once.</summary>
/// <param name="ClaimReason">Why a holding-back standby fetches (a <c>ClaimReasons</c> word); null for an ordinary fetch.</param>
/// <param name="Target">The waiting job it is claiming, when the forge's job list shows it.</param>
/// <param name="Waited">How long the job (or, without a job list, the peers' saturation) waited.</param>
internal sealed record FetchPermit(string? ClaimReason = null, ClaimTarget? Target = null, TimeSpan Waited = default)
{
    public static readonly FetchPermit Ordinary = new();

    public bool IsClaim => ClaimReason is not null;

    /// <summary>
    /// A claim sends tasks_version 0, so that the forge looks at its queue whatever version this runner
    /// saw last: a standby fetches seldom, and a claim must not be answered "nothing changed".
    /// </summary>
    public bool ForceQueueLook => IsClaim;
}
