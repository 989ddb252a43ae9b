using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Standby.Claims;
using KubeRunner.Agent.Standby.Decision;
using KubeRunner.Agent.Standby.ForgeApi;
using KubeRunner.Testing;
using static KubeRunner.Agent.Tests.Standby.StandbyBed;

namespace KubeRunner.Agent.Tests.Standby;

/// <summary>The standby's fetch gate: when a holding-back standby may claim a job, and when it fetches as any runner.</summary>
public sealed class StandbyCoordinatorTests : IDisposable
{
    private readonly StandbyBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public void WaitAsync_PeerHealthyJobYoung_NoPermitUntilTheHealthyGrace()
    {
        _bed.Heartbeat(Status());
        _bed.JobsWaiting(Job(1));

        _bed.Run(TimeSpan.FromSeconds(59), Status());
        Assert.Null(_bed.PermitNow());
        _bed.Run(TimeSpan.FromSeconds(1), Status());

        var permit = _bed.PermitNow();
        Assert.NotNull(permit);
        Assert.Equal(ClaimReasons.SafetyNet, permit.ClaimReason);
        Assert.Equal(1, permit.Target!.Job.Id);
        Assert.Equal(TimeSpan.FromSeconds(60), permit.Waited);
        Assert.True(permit.ForceQueueLook);
    }

    [Fact]
    public void WaitAsync_PeerSaturated_PermitForTheJobAfterGraceSaturatedOnce()
    {
        _bed.Heartbeat(Saturated);
        _bed.JobsWaiting(Job(1), Job(2));
        _bed.Run(TimeSpan.FromSeconds(19), Saturated);
        Assert.Null(_bed.PermitNow());

        _bed.Run(TimeSpan.FromSeconds(1), Saturated);

        var permit = _bed.PermitNow();
        Assert.Equal(ClaimReasons.Saturated, permit!.ClaimReason);
        Assert.Equal(1, permit.Target!.Job.Id);
        Assert.Equal(2, _bed.PermitNow()!.Target!.Job.Id);
        Assert.Null(_bed.PermitNow());
        Assert.Contains(_bed.Log.Entries, e => e.Message.StartsWith("Claiming job job-1 (handle-1), seen waiting 20.0s ≥ grace 20s (saturated): "
            + Primary + " saturated (", StringComparison.Ordinal));
    }

    [Fact]
    public void WaitAsync_SaturatedWithoutSpillOver_NoPermit()
    {
        using var bed = new StandbyBed(new StandbyOptions { Priority = 1, Peers = [Primary], SpillOver = false });
        bed.Heartbeat(Saturated);
        bed.JobsWaiting(Job(1));

        bed.Run(TimeSpan.FromMinutes(10), Saturated);

        Assert.Null(bed.PermitNow());
        Assert.Null(bed.Coordinator.View().GraceMs);
    }

    [Fact]
    public void WaitAsync_PeerLostAndOffline_ClaimsAtGraceDownThenTakesOver()
    {
        _bed.Heartbeat(Status());
        _bed.JobsWaiting(Job(1));
        _bed.Run(TimeSpan.FromSeconds(4), Status());
        _bed.Forge.RunnersRead(ApiAvailability.Available, [new ForgeRunnerStatus(1, PrimaryUuid, "crunchy01", ForgeRunnerState.Offline)]);
        _bed.Miss(3);
        _bed.Run(TimeSpan.FromSeconds(5), null);
        Assert.Null(_bed.PermitNow());

        _bed.Run(TimeSpan.FromSeconds(1), null);

        var claim = _bed.PermitNow();
        Assert.Equal(ClaimReasons.Down, claim!.ClaimReason);
        Assert.Equal(1, claim.Target!.Job.Id);
        Assert.Equal(StandbyMode.Standby, _bed.Coordinator.Mode);
        _bed.Run(TimeSpan.FromSeconds(4), null);
        Assert.Equal(StandbyMode.Active, _bed.Coordinator.Mode);
        Assert.Contains(_bed.Log.Entries, e => e.Message.StartsWith("Standby mode standby → active: taking jobs: " + Primary + " down (3 missed reads", StringComparison.Ordinal));
    }

    [Fact]
    public void WaitAsync_PeerLostButForgeSeesItOnline_ClaimsAtGraceUnknownAndStillHoldsBack()
    {
        // A partition between the two agents while both reach the forge (§4.9 case 6).
        _bed.Forge.RunnersRead(ApiAvailability.Available, [new ForgeRunnerStatus(1, PrimaryUuid, "crunchy01", ForgeRunnerState.Idle)]);
        _bed.Heartbeat(Status());
        _bed.Miss(3);
        _bed.JobsWaiting(Job(1));
        _bed.Run(TimeSpan.FromSeconds(19), null);
        Assert.Null(_bed.PermitNow());

        _bed.Run(TimeSpan.FromSeconds(1), null);

        Assert.Equal(ClaimReasons.Unknown, _bed.PermitNow()!.ClaimReason);
        _bed.Run(TimeSpan.FromMinutes(10), null);
        Assert.Equal(StandbyMode.Standby, _bed.Coordinator.Mode);
    }

    [Fact]
    public void WaitAsync_Active_OrdinaryPermitsWithoutAnyJobSeen()
    {
        _bed.Heartbeat(Status(accepting: false));

        Assert.Equal(StandbyMode.Active, _bed.Coordinator.Mode);
        Assert.Same(FetchPermit.Ordinary, _bed.PermitNow());
        Assert.Same(FetchPermit.Ordinary, _bed.PermitNow());
        Assert.Null(_bed.Coordinator.View().GraceMs);
    }

    [Fact]
    public async Task WaitAsync_Drained_GateClosedAndReopeningWakesTheWaiter()
    {
        _bed.Heartbeat(Status(accepting: false));
        _bed.Drain.Set(true);
        Assert.Null(_bed.PermitNow());
        Assert.Equal("draining", _bed.Coordinator.ModeName);

        var waiting = _bed.Coordinator.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        _bed.Drain.Set(false);

        Assert.Same(FetchPermit.Ordinary, await waiting.WaitAsync(TestTimeouts.Default));
        Assert.Equal("active", _bed.Coordinator.ModeName);
    }

    [Fact]
    public void WaitAsync_Drained_NoClaimEither()
    {
        _bed.Heartbeat(Saturated);
        _bed.JobsWaiting(Job(1));
        _bed.Run(TimeSpan.FromSeconds(30), Saturated);

        _bed.Drain.Set(true);

        Assert.Null(_bed.PermitNow());
        Assert.Null(_bed.Coordinator.View().GraceMs);
    }

    [Fact]
    public void Completed_NoTask_TheJobBacksOff()
    {
        _bed.Heartbeat(Saturated);
        _bed.JobsWaiting(Job(1));
        _bed.Run(TimeSpan.FromSeconds(20), Saturated);
        var permit = _bed.PermitNow()!;

        _bed.Coordinator.Completed(permit, FetchOutcome.NoTask);

        Assert.Null(_bed.PermitNow());
        _bed.Time.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.Null(_bed.PermitNow());
        _bed.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _bed.PermitNow()!.Target!.Job.Id);
        Assert.Contains(_bed.Log.Entries, e => e.Message.StartsWith("The forge handed out no task for job job-1 (handle-1)", StringComparison.Ordinal));
        Assert.Equal(0, _bed.Coordinator.View().Claims);
    }

    [Fact]
    public void Completed_Failed_TheJobIsClaimableAgainAtOnceAndNoClaimIsLost()
    {
        _bed.Heartbeat(Saturated);
        _bed.JobsWaiting(Job(1));
        _bed.Run(TimeSpan.FromSeconds(20), Saturated);
        var permit = _bed.PermitNow()!;

        _bed.Coordinator.Completed(permit, FetchOutcome.Failed);

        // No answer says nothing about the job: the claim goes again (with the same request key), no backoff, no "lost" line.
        Assert.Equal(1, _bed.PermitNow()!.Target!.Job.Id);
        Assert.DoesNotContain(_bed.Log.Entries, e => e.Message.StartsWith("The forge handed out no task", StringComparison.Ordinal));
    }

    [Fact]
    public void Completed_Task_CountsAClaim()
    {
        _bed.Heartbeat(Saturated);
        _bed.JobsWaiting(Job(1));
        _bed.Run(TimeSpan.FromSeconds(20), Saturated);

        _bed.Coordinator.Completed(_bed.PermitNow()!, FetchOutcome.Task);
        _bed.Coordinator.Completed(FetchPermit.Ordinary, FetchOutcome.Task);

        Assert.Equal(1, _bed.Coordinator.View().Claims);
    }

    [Fact]
    public async Task WaitAsync_JobReachesItsGrace_WakesWithoutNewEvidence()
    {
        _bed.Heartbeat(Saturated);
        _bed.JobsWaiting(Job(1));

        var waiting = _bed.Coordinator.WaitAsync(CancellationToken.None).AsTask();
        _bed.Time.Advance(TimeSpan.FromSeconds(19));
        Assert.False(waiting.IsCompleted);
        _bed.Time.Advance(TimeSpan.FromSeconds(1.1));

        var permit = await waiting.WaitAsync(TestTimeouts.Default);
        Assert.Equal(1, permit.Target!.Job.Id);
        Assert.InRange(permit.Waited, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20.1));
    }

    [Fact]
    public async Task WaitAsync_NewEvidence_WakesTheWaiter()
    {
        _bed.Heartbeat(Status());
        _bed.JobsWaiting(Job(1));
        _bed.Run(TimeSpan.FromSeconds(30), Status());
        var waiting = _bed.Coordinator.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        _bed.Heartbeat(Saturated);

        Assert.Equal(ClaimReasons.Saturated, (await waiting.WaitAsync(TestTimeouts.Default)).ClaimReason);
    }

    [Fact]
    public async Task WaitAsync_CancelledWhileAJobAges_Throws()
    {
        _bed.Heartbeat(Saturated);
        _bed.JobsWaiting(Job(1));

        // The poller's token is cancelled when the agent stops: the wait must end, not spin on the job's timer.
        var waiting = Task.Run(() => _bed.Coordinator.WaitAsync(new CancellationToken(canceled: true)).AsTask());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeouts.Default));
    }

    [Fact]
    public void WaitAsync_LowerLevel_WaitsOneGraceStepMore()
    {
        using var bed = new StandbyBed(new StandbyOptions { Priority = 2, Peers = [Primary] });
        bed.Heartbeat(Saturated);
        bed.JobsWaiting(Job(1));
        bed.Run(TimeSpan.FromSeconds(29), Saturated);
        Assert.Null(bed.PermitNow());

        bed.Run(TimeSpan.FromSeconds(1), Saturated);

        Assert.Equal(ClaimReasons.Saturated, bed.PermitNow()!.ClaimReason);
    }

    [Fact]
    public void View_SaysWhatTheStandbySeesAndWhy()
    {
        _bed.Forge.RunnersRead(ApiAvailability.Available, [new ForgeRunnerStatus(1, PrimaryUuid, "crunchy01", ForgeRunnerState.Active)]);
        _bed.Heartbeat(Saturated);
        _bed.JobsWaiting(Job(1), Job(2));
        _bed.Time.Advance(TimeSpan.FromSeconds(7));
        _bed.Coordinator.Evaluate();

        var view = _bed.Coordinator.View();

        Assert.Equal(20_000, view.GraceMs);
        Assert.Equal(7_000, view.SinceModeChangeMs);
        Assert.StartsWith("started", view.ModeReason);
        Assert.Equal("waiting jobs and runner status", view.ForgeApi);
        Assert.Equal(2, view.WaitingJobs);
        Assert.Equal(7_000, view.OldestWaitingMs);
        Assert.Equal(0, view.Claims);
        var peer = Assert.Single(view.Peers);
        Assert.Equal(Primary, peer.Address);
        Assert.Equal("saturated", peer.State);
        Assert.Equal(PrimaryUuid, peer.RunnerUuid);
        Assert.Equal("boot-1", peer.BootId);
        Assert.Equal(1, peer.Sequence);
        Assert.Equal(0, peer.Misses);
        Assert.Equal(7_000, peer.SinceAnswerMs);
        Assert.Equal("active", peer.ForgeStatus);
        Assert.Contains("2 of 2 slots busy", peer.Evidence);
    }

    [Fact]
    public void View_LostPeer_MissesAndEvidence()
    {
        using var bed = new StandbyBed(forgeApi: false);
        bed.Heartbeat(Status());
        bed.Miss(3);

        var view = bed.Coordinator.View();

        var peer = Assert.Single(view.Peers);
        Assert.Equal("unknown", peer.State);
        Assert.Equal(3, peer.Misses);
        Assert.Null(peer.ForgeStatus);
        Assert.Contains("3 missed reads (connection refused or unreachable)", peer.Evidence);
        Assert.Equal(20_000, view.GraceMs);
        Assert.Null(view.OldestWaitingMs);
        Assert.StartsWith("not used (no standby.api_token_file)", view.ForgeApi);
    }

    [Fact]
    public void Evaluate_PeerStateChanges_LoggedWithTheirEvidence()
    {
        _bed.Heartbeat(Status());
        _bed.Heartbeat(Status());
        _bed.Heartbeat(Saturated);

        var changes = _bed.Log.Entries.Where(e => e.Message.StartsWith("Peer " + Primary + ":", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(2, changes.Count);
        Assert.StartsWith($"Peer {Primary}: - → healthy (seq 1: 0 of 2 slots busy, fetching)", changes[0]);
        Assert.StartsWith($"Peer {Primary}: healthy → saturated (seq 3: 2 of 2 slots busy)", changes[1]);
    }
}
