using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Standby.Decision;

namespace KubeRunner.Agent.Tests.Standby.Simulation;

/// <summary>
/// The failure cases of reference/standby.md §4.9 with a primary (crunchy01) and a standby (brix02) at
/// the default timings, on a simulated clock. Every test ends with the three invariants: at most one
/// task per job, no claim before its grace, no running job cancelled by a mode change.
/// </summary>
public sealed class StandbyScenarioTests
{
    private const string Primary = "crunchy01";
    private static readonly StandbyOptions Defaults = new();

    [Fact]
    public async Task HealthyPrimary_RandomJobsForASimulatedHour_StandbyClaimsNone()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var primary = await fleet.StartAgentAsync(Primary, new StandbyOptions(), capacity: 8);
        var standby = await fleet.StartAgentAsync("brix02", SimulatedFleet.StandbyDefaults(1, Primary), capacity: 2);
        var random = new Random(20261128);
        var next = fleet.Clock.GetUtcNow();
        var jobs = new List<long>();

        await fleet.RunForAsync(TimeSpan.FromHours(1), TimeSpan.FromSeconds(1), () =>
        {
            if (fleet.Clock.GetUtcNow() >= next)
            {
                jobs.Add(fleet.Enqueue(TimeSpan.FromSeconds(random.Next(5, 120))));
                next = fleet.Clock.GetUtcNow() + TimeSpan.FromSeconds(-45 * Math.Log(1 - random.NextDouble()));
            }
        });

        Assert.InRange(jobs.Count, 50, 110);
        Assert.Empty(fleet.TasksOf(standby));
        Assert.All(jobs.Select(fleet.ForgeServer.GetJob).Where(j => j.CreatedAt < fleet.Clock.GetUtcNow().AddSeconds(-5)),
            job => Assert.True(job.TaskId != 0, $"job {job.Id} still waits"));
        Assert.Equal([StandbyMode.Standby], fleet.Modes.Select(m => m.Mode).Distinct());
        // Kept online by Declare although it fetched nothing for an hour.
        Assert.NotEqual("offline", fleet.ForgeServer.RunnerStatus(standby.Runner.Uuid));
        Assert.Equal(0, standby.Poller.RunningCount);
        fleet.AssertInvariants(standby, _ => TimeSpan.MaxValue);
        GC.KeepAlive(primary);
    }

    [Fact]
    public async Task PrimaryKilled_StandbyClaimsAfterTheUnknownGrace_TurnsActiveWhenTheForgeSaysOffline_AndReturnsAfterRecovery()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var primary = await fleet.StartAgentAsync(Primary, new StandbyOptions(), capacity: 2);
        var standby = await fleet.StartAgentAsync("brix02", SimulatedFleet.StandbyDefaults(1, Primary), capacity: 2);
        await fleet.RunForAsync(TimeSpan.FromSeconds(10));
        var lost = fleet.Enqueue(TimeSpan.FromHours(1));
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(lost).TaskId != 0, TimeSpan.FromSeconds(5), "the primary takes a long job");

        await primary.KillAsync();
        var killedAt = fleet.Clock.GetUtcNow();
        var first = fleet.Enqueue(TimeSpan.FromSeconds(30));
        var tookFirst = await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(first).TaskId != 0, TimeSpan.FromMinutes(2), "the standby takes the job");

        // §4.6: lost after about 6 s, then a job must be 20 s old (grace_unknown); the jobs poll (5 s ± 20 %) adds up to 6 s.
        Assert.Equal(standby.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(first).TaskId).RunnerId);
        Assert.InRange(tookFirst, Defaults.GraceUnknown, Defaults.GraceUnknown + TimeSpan.FromSeconds(8));
        var active = await fleet.RunUntilAsync(() => standby.Coordinator!.Mode == StandbyMode.Active, TimeSpan.FromMinutes(3), "the standby turns active");
        // The forge calls the primary offline 60 s after its last call; one status poll (15 s) and grace_down (10 s) later it is down for good.
        var activeAfterKill = fleet.Clock.GetUtcNow() - killedAt;
        Assert.InRange(activeAfterKill, TimeSpan.FromSeconds(60) + Defaults.GraceDown, TimeSpan.FromSeconds(60) + Defaults.ForgeStatusPoll + Defaults.GraceDown + TimeSpan.FromSeconds(5));

        // Active: a new job is taken at a runner's usual latency, and a long one is running when the primary comes back.
        var running = fleet.Enqueue(TimeSpan.FromMinutes(3));
        var tookRunning = await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(running).TaskId != 0, TimeSpan.FromSeconds(10), "the active standby takes a job");
        Assert.True(tookRunning <= TimeSpan.FromSeconds(3), $"took {tookRunning}");
        // The primary comes back once the standby has been active for min_active_dwell, so recovery alone decides.
        await fleet.RunForAsync(Defaults.MinActiveDwell);
        var back = await fleet.StartAgentAsync(primary.Runner, Primary, new StandbyOptions(), capacity: 2);
        var backAt = fleet.Clock.GetUtcNow();
        await fleet.RunUntilAsync(() => standby.Coordinator!.Mode == StandbyMode.Standby, TimeSpan.FromMinutes(2), "the standby holds back again");
        var heldBackAfter = fleet.Clock.GetUtcNow() - backAt;
        Assert.InRange(heldBackAfter, Defaults.RecoverAfter, Defaults.RecoverAfter + TimeSpan.FromSeconds(5));

        // Its running job goes on to success; new jobs are the primary's again.
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(running).IsDone, TimeSpan.FromMinutes(4), "the standby's running job ends");
        var after = Enumerable.Range(0, 5).Select(_ => fleet.Enqueue(TimeSpan.FromSeconds(5))).ToList();
        await fleet.RunForAsync(TimeSpan.FromSeconds(30));
        Assert.All(after, id => Assert.Equal(primary.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(id).TaskId).RunnerId));
        Assert.Equal(SimulatedFleet.Label, fleet.ForgeServer.GetJob(running).RunsOn[0]);
        Assert.Equal(KubeRunner.Protocol.Runner.V1.Result.Success, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(running).TaskId).Result);
        // The job running on the dead primary is not run again by the standby: it is left to the forge's zombie sweep.
        Assert.Equal(primary.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(lost).TaskId).RunnerId);
        fleet.AssertInvariants(standby, at => fleet.ModeAt(at) == StandbyMode.Active ? TimeSpan.Zero : Defaults.GraceUnknown);
        GC.KeepAlive(active);
        GC.KeepAlive(back);
    }

    [Fact]
    public async Task ThreeLevels_SecondStandbyWaitsForTheFirst_TakesOverOnlyWhenBothAboveAreGone()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var primary = await fleet.StartAgentAsync(Primary, new StandbyOptions(), capacity: 4);
        var first = await fleet.StartAgentAsync("brix02", SimulatedFleet.StandbyDefaults(1, Primary), capacity: 2);
        var second = await fleet.StartAgentAsync("nuc03", SimulatedFleet.StandbyDefaults(2, Primary, "brix02"), capacity: 2);
        var random = new Random(3);
        await fleet.RunForAsync(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1), () =>
        {
            if (random.Next(30) == 0)
            {
                fleet.Enqueue(TimeSpan.FromSeconds(random.Next(5, 60)));
            }
        });
        Assert.Empty(fleet.TasksOf(first));
        Assert.Empty(fleet.TasksOf(second));

        // The primary dies: the first standby claims after its unknown grace; the second would wait 10 s (grace_step) more.
        await primary.KillAsync();
        var one = fleet.Enqueue(TimeSpan.FromMinutes(10));
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(one).TaskId != 0, TimeSpan.FromMinutes(1), "a standby takes the job");
        Assert.Equal(first.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(one).TaskId).RunnerId);
        await fleet.RunUntilAsync(() => first.Coordinator!.Mode == StandbyMode.Active, TimeSpan.FromMinutes(2), "the first standby takes over");
        var firstActive = fleet.Clock.GetUtcNow();
        var two = fleet.Enqueue(TimeSpan.FromMinutes(10));
        await fleet.RunForAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(first.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(two).TaskId).RunnerId);
        Assert.Empty(fleet.TasksOf(second));
        Assert.Equal(StandbyMode.Standby, second.Coordinator!.Mode);

        // The first standby dies too: the second claims after the unknown grace plus its step, then takes over.
        await first.KillAsync();
        var three = fleet.Enqueue(TimeSpan.FromSeconds(10));
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(three).TaskId != 0, TimeSpan.FromMinutes(1), "the second standby takes the job");
        Assert.Equal(second.Runner.Id, fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(three).TaskId).RunnerId);
        var step = Defaults.GraceUnknown + Defaults.GraceStep;
        Assert.InRange(fleet.ForgeServer.GetJob(three).ClaimedAtAge!.Value, step, step + TimeSpan.FromSeconds(7));
        await fleet.RunUntilAsync(() => second.Coordinator!.Mode == StandbyMode.Active, TimeSpan.FromMinutes(3), "the second standby takes over");

        fleet.AssertInvariants(first, at => at >= firstActive ? TimeSpan.Zero : Defaults.GraceUnknown);
        fleet.AssertInvariants(second, at => fleet.ModeAt(at) == StandbyMode.Active ? TimeSpan.Zero : step);
    }
}
