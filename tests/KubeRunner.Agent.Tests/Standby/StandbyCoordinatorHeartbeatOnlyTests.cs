using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Standby.Decision;
using KubeRunner.Testing;
using static KubeRunner.Agent.Tests.Standby.StandbyBed;

namespace KubeRunner.Agent.Tests.Standby;

/// <summary>
/// The standby's gate without the forge's job list (no API token, or a forge without the API): spill-over
/// goes by the peers' saturation alone, one fetch per grace_saturated.
/// </summary>
public sealed class StandbyCoordinatorHeartbeatOnlyTests
{
    [Fact]
    public void WaitAsync_HeartbeatOnlyAllSaturated_OnePermitPerGraceSaturated()
    {
        using var bed = new StandbyBed(forgeApi: false);
        bed.Heartbeat(Saturated);
        bed.Run(TimeSpan.FromSeconds(19), Saturated);
        Assert.Null(bed.PermitNow());

        bed.Run(TimeSpan.FromSeconds(1), Saturated);
        var permit = bed.PermitNow();
        Assert.Equal(ClaimReasons.Saturated, permit!.ClaimReason);
        Assert.Null(permit.Target);
        Assert.Equal(TimeSpan.FromSeconds(20), permit.Waited);
        Assert.Null(bed.PermitNow());

        bed.Run(TimeSpan.FromSeconds(19), Saturated);
        Assert.Null(bed.PermitNow());
        bed.Run(TimeSpan.FromSeconds(1), Saturated);
        Assert.NotNull(bed.PermitNow());
        Assert.Contains(bed.Log.Entries, e => e.Message.StartsWith("Every peer has been full for 20s: fetching one job", StringComparison.Ordinal));
    }

    [Fact]
    public void WaitAsync_HeartbeatOnlySaturationInterrupted_CountsAgain()
    {
        using var bed = new StandbyBed(forgeApi: false);
        bed.Heartbeat(Saturated);
        bed.Run(TimeSpan.FromSeconds(16), Saturated);
        bed.Heartbeat(Status(busy: 1));

        bed.Run(TimeSpan.FromSeconds(16), Saturated);

        Assert.Null(bed.PermitNow());
    }

    [Fact]
    public void WaitAsync_HeartbeatOnlyOnePeerOfTwoSaturated_NoPermit()
    {
        const string Second = "http://crunchy02:9110";
        using var bed = new StandbyBed(new StandbyOptions { Priority = 1, Peers = [Primary, Second] }, forgeApi: false);
        for (var i = 0; i < 30; i++)
        {
            bed.Time.Advance(TimeSpan.FromSeconds(2));
            bed.Peers[0].Answered(Saturated);
            bed.Peers[1].Answered(Status(uuid: "uuid-crunchy02"));
            bed.Coordinator.Evaluate();
        }

        Assert.Null(bed.PermitNow());
    }

    [Fact]
    public async Task WaitAsync_HeartbeatOnly_WakesWhenTheSaturationHasLastedItsGrace()
    {
        using var bed = new StandbyBed(forgeApi: false);
        bed.Heartbeat(Saturated);
        bed.Time.Advance(TimeSpan.FromSeconds(5));

        var waiting = bed.Coordinator.WaitAsync(CancellationToken.None).AsTask();
        bed.Time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(waiting.IsCompleted);
        bed.Time.Advance(TimeSpan.FromSeconds(1.1));

        Assert.Equal(ClaimReasons.Saturated, (await waiting.WaitAsync(TestTimeouts.Default)).ClaimReason);
    }

    [Fact]
    public void WaitAsync_HeartbeatOnlyPeerHealthy_NoPermit()
    {
        using var bed = new StandbyBed(forgeApi: false);
        bed.Heartbeat(Status());

        bed.Run(TimeSpan.FromMinutes(10), Status());

        Assert.Null(bed.PermitNow());
        Assert.Equal(StandbyMode.Standby, bed.Coordinator.Mode);
    }
}
