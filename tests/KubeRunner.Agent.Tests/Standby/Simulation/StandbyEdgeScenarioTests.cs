using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Standby.Decision;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Testing.FakeForge;

namespace KubeRunner.Agent.Tests.Standby.Simulation;

/// <summary>reference/standby.md §4.9 cases 10–14: a flapping primary, a lost claim answer, a restarted standby, labels that differ, older forges.</summary>
public sealed class StandbyEdgeScenarioTests
{
    private const string Primary = "crunchy01";
    private static readonly StandbyOptions Defaults = new();
    private static readonly TimeSpan PollSlack = TimeSpan.FromSeconds(7);

    [Fact]
    public async Task FlappingPrimary_AtMostOneModeChangePerDwell_BackToStandbyOnlyAfterStableRecovery()
    {
        // Without the forge's job list (an old forge) the heartbeat alone decides, so flapping moves the mode.
        await using var fleet = await SimulatedFleet.StartAsync(FakeForgeApiLevel.None);
        var primary = await fleet.StartAgentAsync(Primary, new StandbyOptions(), capacity: 2);
        var standby = await fleet.StartAgentAsync("brix02", SimulatedFleet.StandbyDefaults(1, Primary), capacity: 2);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));

        for (var round = 0; round < 4; round++)
        {
            await primary.KillAsync();
            fleet.Enqueue(TimeSpan.FromSeconds(5));
            await fleet.RunForAsync(TimeSpan.FromSeconds(30));
            primary = await fleet.StartAgentAsync(primary.Runner, Primary, new StandbyOptions(), capacity: 2);
            await fleet.RunForAsync(TimeSpan.FromSeconds(20));
        }

        var lastRestart = fleet.Clock.GetUtcNow() - TimeSpan.FromSeconds(20);
        Assert.Equal([StandbyMode.Standby, StandbyMode.Active], fleet.Modes.Select(m => m.Mode));
        await fleet.RunUntilAsync(() => standby.Coordinator!.Mode == StandbyMode.Standby, TimeSpan.FromMinutes(2), "the standby holds back once the primary is stable");

        Assert.True(fleet.Modes[^1].At - lastRestart >= Defaults.RecoverAfter, $"back after {fleet.Modes[^1].At - lastRestart}");
        Assert.All(fleet.Modes.Zip(fleet.Modes.Skip(1)).Skip(1), pair => Assert.True(pair.Second.At - pair.First.At >= Defaults.MinActiveDwell));
        fleet.AssertInvariants(standby, at => fleet.ModeAt(at) == StandbyMode.Active ? TimeSpan.Zero : TimeSpan.MaxValue);
    }

    [Fact]
    public async Task ClaimAnswerLost_TheRetryWithTheSameRequestKeyGetsTheSameTask()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var primary = await fleet.StartAgentAsync(Primary, new StandbyOptions(), capacity: 1);
        var standby = await fleet.StartAgentAsync("brix02", SimulatedFleet.StandbyDefaults(1, Primary), capacity: 1);
        primary.Drain.Set(true);
        await fleet.RunUntilAsync(() => standby.Coordinator!.Mode == StandbyMode.Active, TimeSpan.FromSeconds(10), "the standby takes over from a drained primary");

        fleet.ForgeServer.Faults.DropResponseNext(ForgeMethod.FetchTask, 1);
        var job = fleet.Enqueue(TimeSpan.FromSeconds(5));
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(job).IsDone, TimeSpan.FromMinutes(1), "the job runs to its end");

        var task = fleet.ForgeServer.GetTask(fleet.ForgeServer.GetJob(job).TaskId);
        Assert.Equal(standby.Runner.Id, task.RunnerId);
        Assert.Equal(Result.Success, task.Result);
        Assert.Contains(task.Journal, e => e.Kind == FakeTaskEventKind.RecoveredByRequestKey);
        fleet.AssertInvariants(standby, _ => TimeSpan.Zero);
    }

    [Fact]
    public async Task StandbyRestarted_StartsWithNoJobAges_ClaimsOnlyAfterAWholeGraceOfItsOwn()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var primary = await fleet.StartAgentAsync(Primary, new StandbyOptions(), capacity: 1);
        var standby = await fleet.StartAgentAsync("brix02", SimulatedFleet.StandbyDefaults(1, Primary), capacity: 1);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));
        var busy = fleet.Enqueue(TimeSpan.FromHours(1));
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(busy).TaskId != 0, TimeSpan.FromSeconds(5), "the primary is full");

        var waiting = fleet.Enqueue();
        await fleet.RunForAsync(TimeSpan.FromSeconds(15));
        await standby.KillAsync();
        var again = await fleet.StartAgentAsync(standby.Runner, "brix02", SimulatedFleet.StandbyDefaults(1, Primary), capacity: 1);
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(waiting).TaskId != 0, TimeSpan.FromMinutes(1), "the restarted standby takes the job");

        Assert.Equal(Defaults.GraceSaturated, TimeSpan.FromSeconds(20));
        Assert.InRange(fleet.ForgeServer.GetJob(waiting).ClaimedAtAge!.Value, TimeSpan.FromSeconds(15) + Defaults.GraceSaturated, TimeSpan.FromSeconds(15) + Defaults.GraceSaturated + PollSlack);
        fleet.AssertInvariants(again, _ => Defaults.GraceSaturated);
        GC.KeepAlive(primary);
    }

    [Fact]
    public async Task LabelOnlyTheStandbyHas_WarnsAtStart_JobClaimedAtTheHealthyGraceNotAtOnce()
    {
        await using var fleet = await SimulatedFleet.StartAsync();
        var primary = await fleet.StartAgentAsync(Primary, new StandbyOptions(), capacity: 2);
        var standby = await fleet.StartAgentAsync("brix02", SimulatedFleet.StandbyDefaults(1, Primary), capacity: 1, labels: [SimulatedFleet.Label, "gpu"]);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));

        var job = fleet.Enqueue(label: "gpu");
        await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(job).TaskId != 0, TimeSpan.FromMinutes(2), "the standby takes the gpu job");

        Assert.Contains(fleet.Log.Entries, e => e.Message.Contains("crunchy01 has other labels: only here: gpu", StringComparison.Ordinal));
        Assert.InRange(fleet.ForgeServer.GetJob(job).ClaimedAtAge!.Value, Defaults.GraceHealthy, Defaults.GraceHealthy + PollSlack);
        fleet.AssertInvariants(standby, _ => Defaults.GraceHealthy);
        GC.KeepAlive(primary);
    }

    [Fact]
    public async Task ForgejoWithoutRunnerStatus_PrimaryKilled_StandbyClaimsAtTheUnknownGrace_AndNeverTurnsActive()
    {
        await using var fleet = await SimulatedFleet.StartAsync(FakeForgeApiLevel.Forgejo11);
        var primary = await fleet.StartAgentAsync(Primary, new StandbyOptions(), capacity: 1);
        var standby = await fleet.StartAgentAsync("brix02", SimulatedFleet.StandbyDefaults(1, Primary), capacity: 2);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));

        await primary.KillAsync();
        await fleet.RunForAsync(TimeSpan.FromSeconds(8));
        var jobs = new[] { fleet.Enqueue(), fleet.Enqueue() };
        await fleet.RunForAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(1));

        Assert.Equal("waiting jobs only (no runner-status API: Forgejo < 15)", standby.Coordinator!.View().ForgeApi);
        Assert.All(jobs.Select(fleet.ForgeServer.GetJob), job => Assert.InRange(job.ClaimedAtAge!.Value, Defaults.GraceUnknown, Defaults.GraceUnknown + PollSlack));
        Assert.Equal([StandbyMode.Standby], fleet.Modes.Select(m => m.Mode).Distinct());
        fleet.AssertInvariants(standby, _ => Defaults.GraceUnknown);
    }

    [Fact]
    public async Task ForgejoWithoutJobsApi_PrimaryKilled_HeartbeatAloneMakesTheStandbyActiveAfterTheUnknownGrace()
    {
        await using var fleet = await SimulatedFleet.StartAsync(FakeForgeApiLevel.None);
        var primary = await fleet.StartAgentAsync(Primary, new StandbyOptions(), capacity: 1);
        var standby = await fleet.StartAgentAsync("brix02", SimulatedFleet.StandbyDefaults(1, Primary), capacity: 1);
        await fleet.RunForAsync(TimeSpan.FromSeconds(4));

        await primary.KillAsync();
        var job = fleet.Enqueue();
        var took = await fleet.RunUntilAsync(() => fleet.ForgeServer.GetJob(job).TaskId != 0, TimeSpan.FromMinutes(1), "the standby takes the job");

        Assert.StartsWith("this forge has no waiting-jobs API", standby.Coordinator!.View().ForgeApi, StringComparison.Ordinal);
        // Lost after 3 missed reads (≤ 6 s), then unknown for grace_unknown, then one fetch_interval.
        var lost = Defaults.PeerLostAfter * Defaults.PeerInterval;
        Assert.InRange(took, lost + Defaults.GraceUnknown - Defaults.PeerInterval, lost + Defaults.GraceUnknown + TimeSpan.FromSeconds(3));
        fleet.AssertInvariants(standby, at => fleet.ModeAt(at) == StandbyMode.Active ? TimeSpan.Zero : TimeSpan.MaxValue);
    }
}
