using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Standby.Claims;
using KubeRunner.Agent.Standby.Decision;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.Standby.Simulation;

/// <summary>reference/standby.md §4.9 cases 2, 3 and 5–9: a full, draining, cut off or held-back primary, at the default timings.</summary>
public sealed class StandbyFailureScenarioTests
{
    private const string Primary = "crunchy01";
    private static readonly StandbyOptions Defaults = new();

    /// <summary>The jobs poll is 5 s ± 20 %, and the simulation moves in 0.5 s steps.</summary>
    private static readonly TimeSpan PollSlack = TimeSpan.FromSeconds(7);

    [Fact]
    public async Task SaturatedPrimary_StandbyClaimsEachJobOnceItWaitedTheSaturatedGrace()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var (primary, standby) = await StartPairAsync(fleet, primaryCapacity: 1, standbyCapacity: 3);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));
        var busy = fleet.Enqueue(TimeSpan.FromHours(1));
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(busy).TaskId != 0, TimeSpan.FromSeconds(5), "the primary is full");

        var waiting = Enumerable.Range(0, 3).Select(_ => fleet.Enqueue()).ToList();
        await fleet.RunUntilAsync(() => waiting.All(id => fleet.ForgeServer.GetJob(id).TaskId != 0), TimeSpan.FromMinutes(1), "the standby takes the jobs");

        Assert.All(waiting.Select(fleet.ForgeServer.GetJob), job =>
        {
            Assert.Equal(standby.Runner.Id, fleet.ForgeServer.GetTask(job.TaskId).RunnerId);
            Assert.InRange(job.ClaimedAtAge!.Value, Defaults.GraceSaturated, Defaults.GraceSaturated + PollSlack);
        });
        Assert.Equal([StandbyMode.Standby], fleet.Modes.Select(m => m.Mode).Distinct());
        fleet.AssertInvariants(standby, _ => Defaults.GraceSaturated);
        GC.KeepAlive(primary);
    }

    [Fact]
    public async Task SaturatedPrimary_SlotFreesBeforeTheGrace_PrimaryTakesTheJobAndTheStandbyNone()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var (primary, standby) = await StartPairAsync(fleet, primaryCapacity: 1, standbyCapacity: 1);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));
        var busy = fleet.Enqueue(TimeSpan.FromSeconds(19));
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(busy).TaskId != 0, TimeSpan.FromSeconds(5), "the primary is full");

        var next = fleet.Enqueue();
        await fleet.RunForAsync(TimeSpan.FromSeconds(40));

        Assert.Equal(primary.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(next).TaskId).RunnerId);
        Assert.InRange(fleet.ForgeServer.GetJob(next).ClaimedAtAge!.Value, TimeSpan.FromSeconds(15), Defaults.GraceSaturated);
        Assert.Empty(fleet.TasksOf(standby));
        fleet.AssertInvariants(standby, _ => Defaults.GraceSaturated);
    }

    [Fact]
    public async Task PrimaryDrained_StandbyTakesTheNextJobAtOnce_PrimaryRunningJobCompletes_UndoHandsJobsBack()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var (primary, standby) = await StartPairAsync(fleet, primaryCapacity: 2, standbyCapacity: 1);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));
        var running = fleet.Enqueue(TimeSpan.FromSeconds(90));
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(running).TaskId != 0, TimeSpan.FromSeconds(5), "the primary runs a job");

        // As kube-runner drain does: it returns once no fetch of the primary is on its way.
        await primary.Drain.SetAsync(true);
        var next = fleet.Enqueue(TimeSpan.FromSeconds(10));
        var took = await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(next).TaskId != 0, TimeSpan.FromMinutes(1), "the standby takes the job");

        // The peer read (2 s) shows the drain, the standby turns active and fetches (2 s).
        Assert.Equal(standby.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(next).TaskId).RunnerId);
        Assert.True(took <= TimeSpan.FromSeconds(5), $"took {took}");
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(running).IsDone, TimeSpan.FromMinutes(2), "the primary's job ends");
        Assert.Equal(KubeRunner.Protocol.Runner.V1.Result.Success, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(running).TaskId).Result);

        primary.Drain.Set(false);
        await fleet.RunUntilAsync(() => standby.Coordinator!.Mode == StandbyMode.Standby, Defaults.MinActiveDwell + Defaults.RecoverAfter, "the standby holds back again");
        var later = Enumerable.Range(0, 3).Select(_ => fleet.Enqueue(TimeSpan.FromSeconds(5))).ToList();
        await fleet.RunForAsync(TimeSpan.FromSeconds(20));
        Assert.All(later, id => Assert.Equal(primary.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(id).TaskId).RunnerId));
        fleet.AssertInvariants(standby, at => fleet.ModeAt(at) == StandbyMode.Active ? TimeSpan.Zero : TimeSpan.MaxValue);
    }

    [Fact]
    public async Task AgentsCutFromEachOtherBothReachingTheForge_PrimaryKeepsTakingJobs_StandbyClaimsNone()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var (primary, standby) = await StartPairAsync(fleet, primaryCapacity: 4, standbyCapacity: 2);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));

        fleet.Probe.Partitioned = true;
        var jobs = new List<long>();
        await fleet.RunForAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1), () =>
        {
            if (fleet.Clock.GetUtcNow().Second % 20 == 0)
            {
                jobs.Add(fleet.Enqueue(TimeSpan.FromSeconds(15)));
            }
        });

        Assert.Equal("unknown", standby.Coordinator!.View().Peers.Single().State);
        Assert.All(jobs.Select(fleet.ForgeServer.GetJob).Where(j => j.TaskId != 0), job => Assert.Equal(primary.Runner.Id, fleet.ForgeServer.GetTask(job.TaskId).RunnerId));
        Assert.Empty(fleet.TasksOf(standby));
        Assert.Equal([StandbyMode.Standby], fleet.Modes.Select(m => m.Mode).Distinct());
        fleet.AssertInvariants(standby, _ => TimeSpan.MaxValue);
    }

    [Fact]
    public async Task PrimaryCutOffFromTheForge_StandbyClaimsAtTheDownGrace_NoDoubleRunWhenThePrimaryReturns()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var (primary, standby) = await StartPairAsync(fleet, primaryCapacity: 2, standbyCapacity: 2);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));

        primary.Forge.Cut = true;
        // Its heartbeat says so once no forge call succeeded for 3 × fetch_interval + fetch_timeout (11 s after its last fetch).
        var wedged = await fleet.RunUntilAsync(() => standby.Coordinator!.View().Peers.Single().State == "wedged", TimeSpan.FromSeconds(20), "the primary is seen cut off");
        Assert.InRange(wedged, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(14));
        var jobs = new[] { fleet.Enqueue(), fleet.Enqueue() };
        await fleet.RunUntilAsync(() => jobs.All(id => fleet.ForgeServer.GetJob(id).TaskId != 0), TimeSpan.FromMinutes(1), "the standby takes the jobs");

        Assert.All(jobs.Select(fleet.ForgeServer.GetJob), job =>
        {
            Assert.Equal(standby.Runner.Id, fleet.ForgeServer.GetTask(job.TaskId).RunnerId);
            Assert.InRange(job.ClaimedAtAge!.Value, Defaults.GraceDown, Defaults.GraceDown + PollSlack);
        });
        primary.Forge.Cut = false;
        var after = fleet.Enqueue(TimeSpan.FromSeconds(5));
        await fleet.RunForAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(primary.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(after).TaskId).RunnerId);
        Assert.All(jobs, id => Assert.True(fleet.ForgeServer.GetJob(id).IsDone));
        fleet.AssertInvariants(standby, _ => Defaults.GraceDown);
    }

    [Fact]
    public async Task ForgeDownForFiveMinutes_NoClaims_AfterwardsThePrimaryGetsItsHeadStartAgain()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var (primary, standby) = await StartPairAsync(fleet, primaryCapacity: 4, standbyCapacity: 2);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));

        primary.Forge.Cut = true;
        standby.Forge.Cut = true;
        var jobs = Enumerable.Range(0, 3).Select(_ => fleet.Enqueue(TimeSpan.FromSeconds(10))).ToList();
        await fleet.RunForAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));
        Assert.Empty(fleet.ForgeServer.Tasks);

        primary.Forge.Cut = false;
        standby.Forge.Cut = false;
        await fleet.RunForAsync(TimeSpan.FromSeconds(60));

        Assert.All(jobs, id => Assert.Equal(primary.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(id).TaskId).RunnerId));
        Assert.Empty(fleet.TasksOf(standby));
        fleet.AssertInvariants(standby, _ => TimeSpan.MaxValue);
    }

    [Fact]
    public async Task JobHeldBackByTheForge_StandbyTriesItAFewTimesWithBackoff_AndStaysInStandby()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var (primary, standby) = await StartPairAsync(fleet, primaryCapacity: 2, standbyCapacity: 1);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));
        var held = fleet.Enqueue();
        fleet.ForgeServer.HoldJob(held);

        await fleet.RunForAsync(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1));

        // A concurrency group keeps the job waiting; it is not evidence that the primary is gone.
        var claims = fleet.ForgeServer.Journal.Requests.Count(r => r.Method == ForgeMethod.FetchTask && r.RunnerUuid == standby.Runner.Uuid);
        Assert.InRange(claims, 1, WaitingJobBook.MaxTries);
        Assert.Equal(0, fleet.ForgeServer.GetJob(held).TaskId);
        Assert.Equal([StandbyMode.Standby], fleet.Modes.Select(m => m.Mode).Distinct());

        fleet.ForgeServer.ReleaseJob(held);
        await fleet.RunForAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(primary.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(held).TaskId).RunnerId);
        fleet.AssertInvariants(standby, _ => Defaults.GraceHealthy);
    }

    private static async Task<(SimulatedAgent Primary, SimulatedAgent Standby)> StartPairAsync(SimulatedFleet fleet, int primaryCapacity, int standbyCapacity)
    {
        var primary = await fleet.StartAgentAsync(Primary, new StandbyOptions(), primaryCapacity);
        var standby = await fleet.StartAgentAsync("brix02", SimulatedFleet.StandbyDefaults(1, Primary), standbyCapacity);
        return (primary, standby);
    }
}
