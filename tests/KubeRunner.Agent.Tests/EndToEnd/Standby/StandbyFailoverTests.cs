using System.Diagnostics;
using KubeRunner.Agent.Tests.TestSupport;
using KubeRunner.Protocol.Runner.V1;
using Xunit.Abstractions;

namespace KubeRunner.Agent.Tests.EndToEnd.Standby;

/// <summary>
/// Issue 8 end to end: a primary and a standby daemon (real processes, host backend) on one fake forge that
/// serves the waiting-jobs and runner APIs. The standby must leave every job to a healthy primary, take over
/// within the bound its timings give when the primary dies, hand back after recovery without cancelling what
/// it runs, and take jobs at once while the primary drains.
/// </summary>
public sealed class StandbyFailoverTests(ITestOutputHelper output)
{
    /// <summary>Seconds of slack for the millisecond rounding of since_mode_change_ms and of the test's own reads.</summary>
    private const double Tolerance = 0.05;

    private static readonly StandbyTimings T = StandbyFleet.Timings;

    [Fact]
    public async Task Primary_Healthy_TakesEveryJobAndTheStandbyClaimsNone()
    {
        await using var fleet = await StandbyFleet.StartAsync();
        await fleet.WaitReadyAsync();

        var jobs = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            jobs.Add(fleet.Enqueue(T.GraceHealthy));
            // A stream, not a batch: jobs arrive while others run, and the standby polls the queue in between.
            await Task.Delay(T.ForgeJobsPoll);
        }

        var tasks = await Task.WhenAll(jobs.Select(fleet.WaitDoneAsync));
        var (status, _) = await fleet.Standby.WaitForStatusAsync(s => s.Standby?.WaitingJobs == 0, "the standby seeing no job waiting");

        Assert.All(tasks, t => Assert.True(fleet.RanOn(t) == fleet.Primary.Name, $"job {t.JobId} ran on {fleet.RanOn(t)}\n{fleet.Explain()}"));
        Assert.Equal("standby", status.Mode);
        Assert.Equal("healthy", StandbyFleet.PeerOf(status).State);
        Assert.Equal(0, status.Standby!.Claims);
        await fleet.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Primary_Killed_StandbyTakesTheNextJobWithinTheBound_ThenReturnsAfterRecovery_AndItsRunningJobCompletes()
    {
        await using var fleet = await StandbyFleet.StartAsync();
        await fleet.WaitReadyAsync();
        Assert.Equal(fleet.Primary.Name, fleet.RanOn(await fleet.WaitDoneAsync(fleet.Enqueue(T.GraceHealthy))));
        // An idle primary dies: nothing of its own is left to take over after the restart.
        await fleet.Primary.WaitForStatusAsync(s => s.Busy == 0, "the primary's first job ending");

        var killedAt = DateTimeOffset.UtcNow;
        await fleet.Primary.KillAsync();
        // The standby may claim it while the peer is unknown (grace_unknown) or down (grace_down), or fetch it once active,
        // which it turns only after the peer has been down for grace_down: in every case the job is at least grace_down old.
        var orphan = fleet.Enqueue(T.GraceDown);
        var claimed = await fleet.WaitAssignedAsync(orphan);
        var failover = fleet.Forge.GetJob(orphan).AssignedAt!.Value - killedAt;
        // The standby loses the peer; the forge calls it offline once silent for RunnerOfflineAfter, seen at the next
        // status poll; the job waits grace_down, is seen in a jobs poll and claimed by the next fetch.
        var bound = T.PeerLost + T.RunnerOfflineAfter + T.ForgeStatusPoll + T.GraceDown + T.JobsPollMax + T.FetchInterval + T.Margin;
        output.WriteLine($"failover: the standby claimed job {orphan} {failover.TotalSeconds:0.000}s after the primary was killed (bound {bound.TotalSeconds:0.0}s)");

        Assert.Equal(fleet.Standby.Name, fleet.RanOn(claimed));
        Assert.True(failover <= bound, $"failover took {failover.TotalSeconds:0.000}s, more than {bound.TotalSeconds:0.0}s\n{fleet.Explain()}");

        var (active, activeRead) = await fleet.Standby.WaitForStatusAsync(s => s.Mode == "active", "the standby turning active");
        var activeSince = activeRead - Ms(active.Standby!.SinceModeChangeMs);
        var peer = StandbyFleet.PeerOf(active);
        Assert.Equal("down", peer.State);
        Assert.Equal("offline", peer.ForgeStatus);

        // Runs until the test lets it end: it is sure to run across the hand-back.
        var release = fleet.Standby.Path("release-long-job");
        var longJob = fleet.Enqueue(LongJob(release), TimeSpan.Zero);
        var running = await fleet.Forge.WaitForTaskAsync(t => t.JobId == longJob && t.LogRows.Any(r => r.Content == "long job started"), TimeSpan.FromSeconds(30));
        Assert.Equal(fleet.Standby.Name, fleet.RanOn(running));

        var restartedAt = Stopwatch.GetTimestamp();
        fleet.Primary.Start();
        var (back, backRead) = await fleet.Standby.WaitForStatusAsync(s => s.Mode == "standby", "the standby holding back again");
        var backSince = backRead - Ms(back.Standby!.SinceModeChangeMs);
        var stillRunning = fleet.Forge.GetTask(running.Id);
        File.WriteAllText(release, "");
        var finished = await fleet.WaitDoneAsync(longJob);
        output.WriteLine($"hand-back: {Seconds(backSince - restartedAt):0.000}s after the primary's restart, {Seconds(backSince - activeSince):0.000}s after turning active");

        Assert.Equal("healthy", StandbyFleet.PeerOf(back).State);
        Assert.True(Seconds(backSince - restartedAt) >= T.RecoverAfter.TotalSeconds - Tolerance, $"back {Seconds(backSince - restartedAt)}s after the restart\n{fleet.Explain()}");
        Assert.True(Seconds(backSince - activeSince) >= T.MinActiveDwell.TotalSeconds - Tolerance, $"active for {Seconds(backSince - activeSince)}s\n{fleet.Explain()}");
        Assert.False(stillRunning.IsDone, "the long job ended before the standby handed back: " + stillRunning.Text());
        Assert.True(finished.Result == Result.Success, finished.Text() + "\n" + fleet.Explain());
        Assert.Contains(finished.LogRows, r => r.Content == "long job done");

        var after = Enumerable.Range(0, 3).Select(_ => fleet.Enqueue(T.GraceHealthy)).ToList();
        foreach (var job in after)
        {
            Assert.Equal(fleet.Primary.Name, fleet.RanOn(await fleet.WaitDoneAsync(job)));
        }

        await fleet.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Drain_Primary_StandbyTakesTheNextJobWithinAJobsPoll_StatusShowsThePeerDraining_UndoGivesJobsBack()
    {
        await using var fleet = await StandbyFleet.StartAsync();
        await fleet.WaitReadyAsync();
        Assert.Equal(fleet.Primary.Name, fleet.RanOn(await fleet.WaitDoneAsync(fleet.Enqueue(T.GraceHealthy))));
        // Its task leaves the primary's slots just after the forge has its result.
        await fleet.Primary.WaitForStatusAsync(s => s.Busy == 0, "the primary's first job ending");

        var drain = await fleet.Primary.CliAsync("drain");
        var drainedAt = DateTimeOffset.UtcNow;
        var next = fleet.Enqueue(TimeSpan.Zero);
        var claimed = await fleet.WaitAssignedAsync(next);
        var took = fleet.Forge.GetJob(next).AssignedAt!.Value - drainedAt;
        // The standby reads accepting=false at its next peer read, and then no longer holds back; a jobs poll and a fetch later it has the job.
        var bound = T.PeerInterval + T.PeerTimeout + T.JobsPollMax + T.FetchInterval + (T.Margin / 2);
        output.WriteLine($"drain: the standby took job {next} {took.TotalSeconds:0.000}s after the drain (bound {bound.TotalSeconds:0.0}s)");
        var status = await fleet.Standby.CliAsync("status");

        Assert.Equal((0, ""), (drain.Code, drain.Error));
        Assert.Equal("drained: runner 'crunchy01' takes no new job; no job is running; its standby takes the next one\n", drain.Out);
        Assert.Equal(fleet.Standby.Name, fleet.RanOn(claimed));
        Assert.True(took <= bound, $"the standby took {took.TotalSeconds:0.000}s, more than {bound.TotalSeconds:0.0}s\n{fleet.Explain()}");
        Assert.Equal(0, status.Code);
        var lines = status.Out.Split('\n');
        Assert.Matches(@"^mode: +active, for ", Assert.Single(lines, l => l.StartsWith("mode:", StringComparison.Ordinal)));
        Assert.StartsWith($"peer {fleet.Primary.Url}: draining (", Assert.Single(lines, l => l.StartsWith("peer ", StringComparison.Ordinal)), StringComparison.Ordinal);

        var undo = await fleet.Primary.CliAsync("drain", "--undo");
        Assert.Equal((0, "resumed: runner 'crunchy01' takes jobs again; no running job\n"), (undo.Code, undo.Out));
        var (back, _) = await fleet.Standby.WaitForStatusAsync(s => s.Mode == "standby", "the standby holding back after the undo");
        Assert.Equal("healthy", StandbyFleet.PeerOf(back).State);
        var after = Enumerable.Range(0, 3).Select(_ => fleet.Enqueue(T.GraceHealthy)).ToList();
        foreach (var job in after)
        {
            Assert.Equal(fleet.Primary.Name, fleet.RanOn(await fleet.WaitDoneAsync(job)));
        }

        await fleet.AssertInvariantsAsync();
    }

    [Fact]
    public async Task SignalUsr1_DrainsThePrimary_StandbyTakesTheJob_SignalUsr2Resumes()
    {
        await using var fleet = await StandbyFleet.StartAsync();
        await fleet.WaitReadyAsync();

        fleet.Primary.Signal(10);
        await fleet.Primary.WaitForStatusAsync(s => !s.Accepting && s.Mode == "draining", "the primary draining after SIGUSR1");
        var next = fleet.Enqueue(TimeSpan.Zero);
        Assert.Equal(fleet.Standby.Name, fleet.RanOn(await fleet.WaitDoneAsync(next)));

        fleet.Primary.Signal(12);
        var (resumed, _) = await fleet.Primary.WaitForStatusAsync(s => s.Accepting, "the primary taking jobs after SIGUSR2");
        Assert.Equal("normal", resumed.Mode);
        await fleet.AssertInvariantsAsync();
    }

    [Fact]
    public async Task HeartbeatOnlyStandby_PrimaryKilled_TurnsActiveAfterGraceUnknownAndTakesTheJob()
    {
        await using var fleet = await StandbyFleet.StartAsync(forgeApi: false);
        await fleet.WaitReadyAsync();
        Assert.StartsWith("not used", (await fleet.Standby.StatusAsync()).Standby!.ForgeApi, StringComparison.Ordinal);

        var killedAt = DateTimeOffset.UtcNow;
        await fleet.Primary.KillAsync();
        // Without the job list no job is claimed while the standby holds back: it fetches only once active.
        var orphan = fleet.Enqueue(TimeSpan.Zero);
        var claimed = await fleet.WaitAssignedAsync(orphan);
        var took = fleet.Forge.GetJob(orphan).AssignedAt!.Value - killedAt;
        // Lost after its misses; unknown (no forge status) for grace_unknown; the next peer read turns it active; a fetch.
        var bound = T.PeerLost + T.GraceUnknown + T.PeerInterval + T.FetchInterval + T.Margin;
        output.WriteLine($"heartbeat-only failover: {took.TotalSeconds:0.000}s after the kill (at least grace_unknown {T.GraceUnknown.TotalSeconds}s, bound {bound.TotalSeconds:0.0}s)");
        var (active, _) = await fleet.Standby.WaitForStatusAsync(s => s.Mode == "active", "the standby turning active");

        Assert.Equal(fleet.Standby.Name, fleet.RanOn(claimed));
        Assert.True(took >= T.GraceUnknown, $"the standby took the job {took.TotalSeconds:0.000}s after the kill, before grace_unknown\n{fleet.Explain()}");
        Assert.True(took <= bound, $"the standby took {took.TotalSeconds:0.000}s, more than {bound.TotalSeconds:0.0}s\n{fleet.Explain()}");
        var peer = StandbyFleet.PeerOf(active);
        Assert.Equal("unknown", peer.State);
        Assert.Null(peer.ForgeStatus);
        await fleet.AssertInvariantsAsync();
    }

    /// <summary>A job that prints, then waits (up to a minute) for the file <paramref name="release"/>, then prints again.</summary>
    private static string LongJob(string release) => $"""
        echo long job started
        for i in $(seq 1 600); do [ -f '{release}' ] && break; sleep 0.1; done
        test -f '{release}'
        echo long job done
        """;

    private static long Ms(long milliseconds) => milliseconds * Stopwatch.Frequency / 1000;

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
}
