using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Standby.Decision;
using KubeRunner.Agent.Standby.Peers;
using Microsoft.Extensions.Time.Testing;
using static KubeRunner.Agent.Tests.Standby.StandbyBed;

namespace KubeRunner.Agent.Tests.Standby.Decision;

/// <summary>Standby and active modes (reference/standby.md §4.5, §4.9 case 10), judged once a second on a fake clock.</summary>
public sealed class ModeMachineTests
{
    private const string Second = "http://crunchy02:9110";

    // grace_down 10 s, grace_unknown 20 s, recover_after 30 s, min_active_dwell 60 s.
    private static readonly StandbyOptions Options = new() { Priority = 1, Peers = [Primary] };

    private readonly FakeTimeProvider _time = new();
    private readonly ModeMachine _machine;
    private readonly List<(TimeSpan At, ModeChange Change)> _changes = [];
    private TimeSpan _now;

    public ModeMachineTests() => _machine = new ModeMachine(Options, _time);

    [Fact]
    public void Update_New_HoldsBackWithAReason()
    {
        Assert.Equal(StandbyMode.Standby, _machine.Mode);
        Assert.StartsWith("started", _machine.Reason);
    }

    [Fact]
    public void Update_DownForGraceDown_ActiveThenAndNotBefore()
    {
        Hold(TimeSpan.FromSeconds(9), Judged(PeerState.Down));
        Assert.Equal(StandbyMode.Standby, _machine.Mode);

        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Down));

        var (at, change) = Assert.Single(_changes);
        Assert.Equal(TimeSpan.FromSeconds(10), at);
        Assert.Equal((StandbyMode.Standby, StandbyMode.Active), (change.From, change.To));
        Assert.StartsWith("taking jobs: " + Primary + " down (", change.Reason);
        Assert.Contains("evidence of down", change.Reason);
        Assert.Equal(change.Reason, _machine.Reason);
    }

    [Fact]
    public void Update_DownInterruptedByAnAnswer_TimeStartsAgain()
    {
        Hold(TimeSpan.FromSeconds(8), Judged(PeerState.Down));
        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Healthy));
        Hold(TimeSpan.FromSeconds(9), Judged(PeerState.Down));

        Assert.Equal(StandbyMode.Standby, _machine.Mode);
        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Down));
        Assert.Equal(StandbyMode.Active, _machine.Mode);
    }

    [Fact]
    public void Update_Draining_ActiveAtOnce()
    {
        var change = _machine.Update([Judged(PeerState.Draining)], heartbeatOnly: false);

        Assert.NotNull(change);
        Assert.Equal(StandbyMode.Active, change.To);
        Assert.Contains("draining", change.Reason);
    }

    [Theory]
    [InlineData(nameof(PeerState.Unknown))]
    [InlineData(nameof(PeerState.Wedged))]
    [InlineData(nameof(PeerState.Saturated))]
    [InlineData(nameof(PeerState.Starting))]
    [InlineData(nameof(PeerState.Healthy))]
    public void Update_JobsVisible_OnlyDownOrDrainingMakeItActive(string name)
    {
        var state = Enum.Parse<PeerState>(name);

        // With the job list, such a peer's jobs are claimed one by one at their grace instead.
        Hold(TimeSpan.FromMinutes(10), Judged(state));

        Assert.Empty(_changes);
    }

    [Theory]
    [InlineData(nameof(PeerState.Unknown), 20)]
    [InlineData(nameof(PeerState.Wedged), 10)]
    public void Update_HeartbeatOnly_LostOrCutOffPeerMakesItActiveAfterItsGrace(string name, int seconds)
    {
        var state = Enum.Parse<PeerState>(name);
        Hold(TimeSpan.FromSeconds(seconds - 1), Judged(state), heartbeatOnly: true);
        Assert.Equal(StandbyMode.Standby, _machine.Mode);

        Hold(TimeSpan.FromSeconds(1), Judged(state), heartbeatOnly: true);

        Assert.Equal(TimeSpan.FromSeconds(seconds), Assert.Single(_changes).At);
    }

    [Theory]
    [InlineData(nameof(PeerState.Saturated))]
    [InlineData(nameof(PeerState.Healthy))]
    [InlineData(nameof(PeerState.Starting))]
    public void Update_HeartbeatOnly_APeerThatWorksKeepsItHoldingBack(string name)
    {
        var state = Enum.Parse<PeerState>(name);
        Hold(TimeSpan.FromMinutes(10), Judged(state), heartbeatOnly: true);

        Assert.Empty(_changes);
    }

    [Fact]
    public void Update_TwoPeers_ActiveOnlyWhenBothAreGone()
    {
        Hold(TimeSpan.FromMinutes(2), Judged(PeerState.Down), Judged(PeerState.Healthy, Second));
        Assert.Empty(_changes);

        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Down), Judged(PeerState.Draining, Second));

        Assert.Equal(StandbyMode.Active, _machine.Mode);
        Assert.Contains(Second + " draining", _machine.Reason);
        Assert.Contains(Primary + " down", _machine.Reason);
    }

    [Fact]
    public void Update_HealthyAgain_NotBackBeforeMinActiveDwell()
    {
        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Draining));
        Hold(TimeSpan.FromSeconds(58), Judged(PeerState.Healthy));
        Assert.Equal(StandbyMode.Active, _machine.Mode);

        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Healthy));

        Assert.Equal(2, _changes.Count);
        Assert.Equal(_changes[0].At + Options.MinActiveDwell, _changes[1].At);
        Assert.Equal(StandbyMode.Standby, _changes[1].Change.To);
        Assert.StartsWith("holding back again: healthy for 30s: " + Primary + " healthy (", _changes[1].Change.Reason);
    }

    [Fact]
    public void Update_AfterDwell_BackOnlyAfterRecoverAfterOfContinuousHealth()
    {
        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Draining));
        Hold(TimeSpan.FromSeconds(70), Judged(PeerState.Draining));
        Hold(TimeSpan.FromSeconds(20), Judged(PeerState.Healthy));
        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Unknown));
        Hold(TimeSpan.FromSeconds(29), Judged(PeerState.Saturated));
        Assert.Equal(StandbyMode.Active, _machine.Mode);

        // Saturated counts as up: the peer works, it is only full.
        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Saturated));

        Assert.Equal(StandbyMode.Standby, _machine.Mode);
        Assert.Equal(TimeSpan.FromSeconds(1 + 70 + 20 + 1 + 30), _changes[^1].At);
    }

    [Fact]
    public void Update_PeerRestartsWhileHealthy_RecoveryTimeStartsAgain()
    {
        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Draining));
        Hold(TimeSpan.FromSeconds(50), Judged(PeerState.Healthy, bootId: "boot-1"));
        Hold(TimeSpan.FromSeconds(29), Judged(PeerState.Healthy, bootId: "boot-2"));
        Assert.Equal(StandbyMode.Active, _machine.Mode);

        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Healthy, bootId: "boot-2"));

        Assert.Equal(StandbyMode.Standby, _machine.Mode);
    }

    [Fact]
    public void Update_TwoPeers_BackOnlyWhenBothRecovered()
    {
        Hold(TimeSpan.FromSeconds(1), Judged(PeerState.Draining), Judged(PeerState.Draining, Second));
        Hold(TimeSpan.FromSeconds(90), Judged(PeerState.Healthy), Judged(PeerState.Down, Second));
        Assert.Equal(StandbyMode.Active, _machine.Mode);

        Hold(TimeSpan.FromSeconds(30), Judged(PeerState.Healthy), Judged(PeerState.Healthy, Second));

        Assert.Equal(StandbyMode.Standby, _machine.Mode);
    }

    [Theory]
    [InlineData(nameof(PeerState.Draining), 5, false)]
    [InlineData(nameof(PeerState.Down), 15, false)]
    [InlineData(nameof(PeerState.Unknown), 25, true)]
    public void Update_FlappingPeer_TakesOverOnceAndStaysUntilItIsSteady(string name, int goneSeconds, bool heartbeatOnly)
    {
        var gone = Enum.Parse<PeerState>(name);

        // Up 5 s, then gone long enough to take over, for about ten minutes: never up for recover_after.
        for (var cycle = 0; cycle < 600 / (5 + goneSeconds); cycle++)
        {
            Hold(TimeSpan.FromSeconds(5), Judged(PeerState.Healthy, bootId: $"boot-{cycle}"), heartbeatOnly);
            Hold(TimeSpan.FromSeconds(goneSeconds), Judged(gone), heartbeatOnly);
        }

        var (at, change) = Assert.Single(_changes);
        Assert.Equal(StandbyMode.Active, change.To);
        Assert.True(at < TimeSpan.FromSeconds(40), $"took over at {at}");

        // Then steady: back after recover_after, with the steady boot id.
        Hold(TimeSpan.FromSeconds(30), Judged(PeerState.Healthy, bootId: "boot-steady"), heartbeatOnly);
        Assert.Equal(StandbyMode.Standby, _machine.Mode);
    }

    [Fact]
    public void Update_FlappingAroundTheThresholds_EachReturnAtLeastMinActiveDwellAfterTakingOver()
    {
        // Down just over grace_down, then up a little longer than min_active_dwell, again and again.
        for (var cycle = 0; cycle < 10; cycle++)
        {
            Hold(TimeSpan.FromSeconds(11), Judged(PeerState.Down));
            Hold(TimeSpan.FromSeconds(65), Judged(PeerState.Healthy));
        }

        Assert.True(_changes.Count >= 4, $"{_changes.Count} changes");
        for (var i = 1; i < _changes.Count; i++)
        {
            Assert.NotEqual(_changes[i - 1].Change.To, _changes[i].Change.To);
            if (_changes[i].Change.To == StandbyMode.Standby)
            {
                Assert.True(_changes[i].At - _changes[i - 1].At >= Options.MinActiveDwell, $"back at {_changes[i].At}, active since {_changes[i - 1].At}");
            }
        }
    }

    [Fact]
    public void SinceChange_CountsFromTheLastChange()
    {
        Hold(TimeSpan.FromSeconds(5), Judged(PeerState.Healthy));
        Assert.Equal(TimeSpan.FromSeconds(5), _machine.SinceChange);

        Hold(TimeSpan.FromSeconds(3), Judged(PeerState.Draining));

        Assert.Equal(TimeSpan.FromSeconds(3), _machine.SinceChange);
    }

    private void Hold(TimeSpan span, PeerJudgement first, PeerJudgement second, bool heartbeatOnly = false) =>
        Hold(span, [first, second], heartbeatOnly);

    private void Hold(TimeSpan span, PeerJudgement peer, bool heartbeatOnly = false) => Hold(span, [peer], heartbeatOnly);

    /// <summary>Lets <paramref name="span"/> pass a second at a time, judging <paramref name="peers"/> at each second, its end included.</summary>
    private void Hold(TimeSpan span, IReadOnlyList<PeerJudgement> peers, bool heartbeatOnly)
    {
        for (var s = 0; s < span.TotalSeconds; s++)
        {
            // The state holds from this moment on: judged at the start of each second, then the second passes.
            if (_machine.Update(peers, heartbeatOnly) is { } change)
            {
                _changes.Add((_now, change));
            }

            _time.Advance(TimeSpan.FromSeconds(1));
            _now += TimeSpan.FromSeconds(1);
        }

        if (_machine.Update(peers, heartbeatOnly) is { } last)
        {
            _changes.Add((_now, last));
        }
    }

    private static PeerJudgement Judged(PeerState state, string address = Primary, string bootId = "boot-1") =>
        new(new PeerSnapshot(address, Status(bootId: bootId), TimeSpan.Zero, 0, false, "", true), state, null, "evidence of " + state.Name());
}
