using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Agent.Standby.Claims;
using KubeRunner.Agent.Standby.Decision;
using KubeRunner.Agent.Standby.Peers;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Standby;

/// <summary>
/// A standby's decision (reference/standby.md §4): from its peers' heartbeats, the forge's runner status
/// and the waiting jobs' ages it keeps the mode, and opens the poller's gate only to claim a job that
/// waited out the grace for what it knows, or fully once it has taken over. Safety is the forge's: a job
/// is bound to at most one task there, so a wrong guess here only moves a job between runners.
/// </summary>
internal sealed partial class StandbyCoordinator : IFetchGate
{
    private readonly StandbyOptions _options;
    private readonly DrainSwitch _drain;
    private readonly TimeProvider _time;
    private readonly StandbyMetrics _metrics;
    private readonly ILogger<StandbyCoordinator> _logger;
    private readonly ModeMachine _mode;
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();
    private IReadOnlyList<PeerJudgement> _judged = [];
    private long? _allSaturatedSince;
    private long _claims;
    private string _recordedMode = PeerModes.Standby;

    public StandbyCoordinator(StandbyOptions options, IReadOnlyList<PeerTracker> peers, ForgeEvidence forge, WaitingJobBook jobs,
        DrainSwitch drain, TimeProvider time, StandbyMetrics metrics, ILogger<StandbyCoordinator> logger)
    {
        _options = options;
        Peers = peers;
        Forge = forge;
        Jobs = jobs;
        _drain = drain;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _mode = new ModeMachine(options, time);
        _metrics.Mode(PeerModes.Standby);
    }

    public IReadOnlyList<PeerTracker> Peers { get; }

    public ForgeEvidence Forge { get; }

    public WaitingJobBook Jobs { get; }

    public StandbyMode Mode
    {
        get
        {
            lock (_gate)
            {
                return _mode.Mode;
            }
        }
    }

    /// <summary>Judges the peers again and changes mode if the evidence says so; wakes a waiting poller.</summary>
    public void Evaluate()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            var judged = Peers.Select(p => p.Snapshot()).Select(peer => PeerJudge.Judge(peer, Forge.StatusOf(peer.Last?.RunnerUuid))).ToList();
            foreach (var peer in judged)
            {
                var before = _judged.FirstOrDefault(j => j.Peer.Address == peer.Peer.Address)?.State;
                if (before != peer.State)
                {
                    Log.PeerState(_logger, peer.Peer.Address, before?.Name() ?? "-", peer.State.Name(), peer.Evidence);
                    _metrics.PeerState(peer.Peer.Address, peer.State);
                }
            }

            _judged = judged;
            var now = _time.GetTimestamp();
            _allSaturatedSince = judged.Count > 0 && judged.All(j => j.State == PeerState.Saturated) ? _allSaturatedSince ?? now : null;
            if (_mode.Update(judged, !Forge.JobsVisible) is { } change)
            {
                Log.ModeChanged(_logger, Name(change.From), Name(change.To), change.Reason);
                _metrics.ModeChanged(change.To);
            }

            // Also a drain or its undo, seen at the next evaluation (every peer read).
            if (ModeName != _recordedMode)
            {
                _recordedMode = ModeName;
                _metrics.Mode(_recordedMode);
            }

            previous = _changed;
            _changed = NewSignal();
        }

        previous.TrySetResult();
    }

    public async ValueTask<FetchPermit> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var drainChanged = _drain.Changed;
            Task changed;
            TimeSpan? wake = null;
            lock (_gate)
            {
                changed = _changed.Task;
                if (!_drain.Draining && TryPermit(out wake) is { } permit)
                {
                    return permit;
                }
            }

            // A completed task ignores WaitAsync's token: with a timer due, a cancelled token alone would never end this loop.
            cancellationToken.ThrowIfCancellationRequested();

            // Woken by new evidence, by the drain switch, or when the next job reaches its grace; the
            // timer is dropped on the way out, so that waking by evidence every peer read leaves none behind.
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var waits = new List<Task> { changed, drainChanged };
            if (wake is { } due)
            {
                waits.Add(Task.Delay(due + TimeSpan.FromMilliseconds(1), _time, timer.Token));
            }

            await Task.WhenAny(waits).WaitAsync(cancellationToken);
            await timer.CancelAsync();
        }
    }

    public void Completed(FetchPermit permit, FetchOutcome outcome)
    {
        if (permit.ClaimReason is not { } reason)
        {
            return;
        }

        if (outcome == FetchOutcome.Failed)
        {
            // Not a lost race: the claim goes again with the same request key, which brings back a task the forge bound.
            if (permit.Target is { } unanswered)
            {
                Jobs.Release(unanswered);
            }

            return;
        }

        if (outcome == FetchOutcome.Task)
        {
            if (permit.Target is { } claimed)
            {
                Jobs.HandedOut(claimed);
            }

            Interlocked.Increment(ref _claims);
            _metrics.Claimed(reason, permit.Waited);
            return;
        }

        _metrics.ClaimLost();
        if (permit.Target is { } target)
        {
            Jobs.NotHandedOut(target);
            Log.ClaimLost(_logger, target.Job.Name, target.Job.Key);
        }
    }

    /// <summary>For the status document: what this standby sees and why it does what it does.</summary>
    public StandbyView View()
    {
        lock (_gate)
        {
            var grace = _mode.Mode == StandbyMode.Active || _drain.Draining ? null : GracePolicy.For(_judged.Select(j => j.State).ToList(), _options);
            var peers = _judged.Select(j => new PeerView(j.Peer.Address, j.State.Name(), j.Peer.Last?.RunnerUuid, j.Peer.Last?.BootId, j.Peer.Last?.Sequence,
                j.Peer.Misses, Ms(j.Peer.SinceAnswer), j.ForgeStatus?.ToString().ToLowerInvariant(), j.Evidence)).ToList();
            return new StandbyView(grace is null ? null : Ms(grace.Value), Ms(_mode.SinceChange) ?? 0, _mode.Reason, Forge.Describe(), Jobs.Count, Ms(Jobs.OldestAge),
                Interlocked.Read(ref _claims), peers);
        }
    }

    /// <summary>The mode word of the heartbeat.</summary>
    public string ModeName => _drain.Draining ? PeerModes.Draining : Name(Mode);

    /// <summary>Under the lock: a permit if a fetch may go now; else when to look again (null: at the next change).</summary>
    private FetchPermit? TryPermit(out TimeSpan? wake)
    {
        wake = null;
        if (_mode.Mode == StandbyMode.Active)
        {
            return FetchPermit.Ordinary;
        }

        if (GracePolicy.For(_judged.Select(j => j.State).ToList(), _options) is not { } grace)
        {
            return null;
        }

        if (!Forge.JobsVisible)
        {
            return SpillOverPermit(out wake);
        }

        if (Jobs.Take(grace.Value) is { } target)
        {
            var reason = ClaimReasons.For(grace.Because);
            Log.Claiming(_logger, target.Job.Name, target.Job.Key, target.Age.TotalSeconds, grace.Value.TotalSeconds, reason, Evidence());
            return new FetchPermit(reason, target, target.Age);
        }

        wake = Jobs.NextDue(grace.Value);
        return null;
    }

    /// <summary>
    /// Without the forge's job list no job can be seen ageing, so spill-over goes by the peers' saturation
    /// instead: one claim each time every peer has been full for grace_saturated (a weaker guarantee).
    /// </summary>
    private FetchPermit? SpillOverPermit(out TimeSpan? wake)
    {
        wake = null;
        if (!_options.SpillOver || _allSaturatedSince is not { } since)
        {
            return null;
        }

        var full = _time.GetElapsedTime(since);
        if (full < _options.GraceSaturated)
        {
            wake = _options.GraceSaturated - full;
            return null;
        }

        // The next claim waits a whole grace again, counted from this one.
        _allSaturatedSince = _time.GetTimestamp();
        Log.SpillOver(_logger, full.TotalSeconds, Evidence());
        return new FetchPermit(ClaimReasons.Saturated, Waited: full);
    }

    private string Evidence() => string.Join("; ", _judged.Select(j => $"{j.Peer.Address} {j.State.Name()} ({j.Evidence})"));

    private static string Name(StandbyMode mode) => mode == StandbyMode.Active ? PeerModes.Active : PeerModes.Standby;

    private static long? Ms(TimeSpan? span) => span is { } s ? (long)s.TotalMilliseconds : null;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.StandbyModeChanged, LogLevel.Warning, "Standby mode {From} → {To}: {Reason}")]
        public static partial void ModeChanged(ILogger logger, string from, string to, string reason);

        [LoggerMessage(Diagnostics.EventIds.StandbyClaiming, LogLevel.Information, "Claiming job {Job} ({Key}), seen waiting {Age:0.0}s ≥ grace {Grace:0}s ({Reason}): {Evidence}")]
        public static partial void Claiming(ILogger logger, string job, string key, double age, double grace, string reason, string evidence);

        [LoggerMessage(Diagnostics.EventIds.StandbyClaimLost, LogLevel.Information, "The forge handed out no task for job {Job} ({Key}): another runner took it, or the forge holds it back; trying again later")]
        public static partial void ClaimLost(ILogger logger, string job, string key);

        [LoggerMessage(Diagnostics.EventIds.StandbyPeerState, LogLevel.Information, "Peer {Peer}: {From} → {To} ({Evidence})")]
        public static partial void PeerState(ILogger logger, string peer, string from, string to, string evidence);

        [LoggerMessage(Diagnostics.EventIds.StandbySpillOver, LogLevel.Information, "Every peer has been full for {Full:0}s: fetching one job (no waiting-jobs API, so by saturation alone): {Evidence}")]
        public static partial void SpillOver(ILogger logger, double full, string evidence);
    }
}
