using KubeRunner.Agent.Standby;
using KubeRunner.Agent.Standby.ForgeApi;
using KubeRunner.Agent.Standby.Peers;
using Microsoft.Extensions.Time.Testing;
using static KubeRunner.Agent.Tests.Standby.StandbyBed;

namespace KubeRunner.Agent.Tests.Standby.Peers;

/// <summary>A peer's state from its heartbeat and the forge's word (reference/standby.md §4.4).</summary>
public sealed class PeerJudgeTests
{
    private static readonly TimeSpan JustNow = TimeSpan.FromMilliseconds(50);

    [Fact]
    public void Judge_NoAnswerYet_Starting()
    {
        var judged = PeerJudge.Judge(new PeerSnapshot(Primary, null, null, 0, false, "", true), ForgeRunnerState.Idle);

        Assert.Equal(PeerState.Starting, judged.State);
        Assert.Contains("no answer yet", judged.Evidence);
    }

    [Fact]
    public void Judge_MissedButNotYetLostBeforeAnyAnswer_Starting()
    {
        var judged = PeerJudge.Judge(new PeerSnapshot(Primary, null, null, 2, false, "timed out", true), null);

        Assert.Equal(PeerState.Starting, judged.State);
        Assert.Contains("2 missed reads (timed out)", judged.Evidence);
    }

    [Fact]
    public void Judge_FreshWithRoomFetching_Healthy()
    {
        var judged = Fresh(Status(busy: 1));

        Assert.Equal(PeerState.Healthy, judged.State);
        Assert.Contains("1 of 2 slots busy", judged.Evidence);
    }

    [Fact]
    public void Judge_EverySlotBusy_Saturated()
    {
        Assert.Equal(PeerState.Saturated, Fresh(Status(capacity: 2, busy: 2)).State);
        // Tasks taken over after a restart can push busy above capacity.
        Assert.Equal(PeerState.Saturated, Fresh(Status(capacity: 2, busy: 3)).State);
    }

    [Fact]
    public void Judge_NotAccepting_Draining()
    {
        var judged = Fresh(Status(accepting: false));

        Assert.Equal(PeerState.Draining, judged.State);
        Assert.Contains("takes no new job", judged.Evidence);
    }

    [Fact]
    public void Judge_ForgeNotOk_Wedged()
    {
        var judged = Fresh(Status(forgeOk: false));

        Assert.Equal(PeerState.Wedged, judged.State);
        Assert.Contains("cannot reach the forge", judged.Evidence);
    }

    [Theory]
    [InlineData(false, 2, false, nameof(PeerState.Draining))]
    [InlineData(false, 0, false, nameof(PeerState.Draining))]
    [InlineData(false, 2, true, nameof(PeerState.Draining))]
    [InlineData(true, 2, false, nameof(PeerState.Saturated))]
    [InlineData(true, 0, false, nameof(PeerState.Wedged))]
    public void Judge_SeveralSignals_DrainingBeforeSaturatedBeforeWedged(bool accepting, int busy, bool forgeOk, string expected)
    {
        Assert.Equal(Enum.Parse<PeerState>(expected), Fresh(Status(capacity: 2, busy: busy, accepting: accepting, forgeOk: forgeOk)).State);
    }

    [Fact]
    public void Judge_LostAndForgeSaysOffline_Down()
    {
        var judged = PeerJudge.Judge(Lost(Status()), ForgeRunnerState.Offline);

        Assert.Equal(PeerState.Down, judged.State);
        Assert.Contains("3 missed reads", judged.Evidence);
        Assert.Contains("the forge says offline", judged.Evidence);
    }

    [Theory]
    [InlineData(nameof(ForgeRunnerState.Idle))]
    [InlineData(nameof(ForgeRunnerState.Active))]
    public void Judge_LostButForgeSeesItOnline_Unknown(string name)
    {
        var forge = Enum.Parse<ForgeRunnerState>(name);
        var judged = PeerJudge.Judge(Lost(Status()), forge);

        Assert.Equal(PeerState.Unknown, judged.State);
        Assert.Contains("the forge says " + forge.ToString().ToLowerInvariant(), judged.Evidence);
    }

    [Fact]
    public void Judge_LostWithoutForgeStatus_Unknown()
    {
        var judged = PeerJudge.Judge(Lost(Status()), null);

        Assert.Equal(PeerState.Unknown, judged.State);
        Assert.Contains("runner status is not available", judged.Evidence);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(nameof(ForgeRunnerState.Idle))]
    [InlineData(nameof(ForgeRunnerState.Active))]
    public void Judge_LostAfterSayingItCouldNotReachTheForge_Down(string? name)
    {
        ForgeRunnerState? forge = name is null ? null : Enum.Parse<ForgeRunnerState>(name);
        var time = new FakeTimeProvider();
        var tracker = new PeerTracker(Primary, 3, time);
        tracker.Answered(Status(forgeOk: false));
        tracker.Missed("timed out");
        tracker.Missed("timed out");
        tracker.Missed("timed out");

        var judged = PeerJudge.Judge(tracker.Snapshot(), forge);

        Assert.Equal(PeerState.Down, judged.State);
        Assert.Contains("could not reach the forge before it went silent", judged.Evidence);
    }

    [Fact]
    public void Judge_MissedFewerThanLostAfter_StillJudgedByItsLastAnswer()
    {
        var time = new FakeTimeProvider();
        var tracker = new PeerTracker(Primary, 3, time);
        tracker.Answered(Status());
        tracker.Missed("timed out");
        tracker.Missed("timed out");

        Assert.Equal(PeerState.Healthy, PeerJudge.Judge(tracker.Snapshot(), ForgeRunnerState.Offline).State);
    }

    [Theory]
    [InlineData(9_000, 2_000, nameof(PeerState.Healthy))]
    [InlineData(9_000, 2_001, nameof(PeerState.Wedged))]
    [InlineData(11_000, 0, nameof(PeerState.Healthy))]
    [InlineData(11_001, 0, nameof(PeerState.Wedged))]
    [InlineData(0, 11_001, nameof(PeerState.Wedged))]
    public void Judge_FetchAge_StalledBeyondThreeIntervalsAndATimeoutCountingTimeSinceTheAnswer(long sinceFetchMs, long sinceAnswerMs, string name)
    {
        var expected = Enum.Parse<PeerState>(name);
        // fetch_interval 2 s, fetch_timeout 5 s: a stall is an answered fetch older than 3 × 2 + 5 = 11 s.
        var snapshot = new PeerSnapshot(Primary, Status(sinceFetchMs: sinceFetchMs), TimeSpan.FromMilliseconds(sinceAnswerMs), 0, false, "", true);

        var judged = PeerJudge.Judge(snapshot, null);

        Assert.Equal(expected, judged.State);
        if (expected == PeerState.Wedged)
        {
            Assert.Contains("last fetch was answered", judged.Evidence);
        }
    }

    [Fact]
    public void Judge_FetchLimitFromThePeersOwnTimings()
    {
        // fetch_interval 10 s, fetch_timeout 30 s: 60 s old is within 3 × 10 + 30.
        var slow = Status(sinceFetchMs: 59_000, fetchIntervalMs: 10_000, fetchTimeoutMs: 30_000);

        Assert.Equal(PeerState.Healthy, Fresh(slow).State);
        Assert.Equal(PeerState.Wedged, Fresh(slow with { SinceLastFetchOkMs = 61_000 }).State);
    }

    [Theory]
    [InlineData(PeerModes.Standby, nameof(PeerState.Healthy))]
    [InlineData(PeerModes.Active, nameof(PeerState.Wedged))]
    [InlineData(PeerModes.Normal, nameof(PeerState.Wedged))]
    public void Judge_OldFetch_OnlyAFetchingPeerIsWedged(string mode, string expected)
    {
        // A standby that holds back answers no fetch for hours; that is not a stall.
        Assert.Equal(Enum.Parse<PeerState>(expected), Fresh(Status(mode: mode, sinceFetchMs: 3_600_000)).State);
    }

    [Fact]
    public void Judge_NeverFetchedYet_NotWedged()
    {
        Assert.Equal(PeerState.Healthy, Fresh(Status(sinceFetchMs: null)).State);
    }

    private static PeerJudgement Fresh(PeerStatus status) =>
        PeerJudge.Judge(new PeerSnapshot(Primary, status, JustNow, 0, false, "", true), ForgeRunnerState.Idle);

    private static PeerSnapshot Lost(PeerStatus last) => new(Primary, last, TimeSpan.FromSeconds(6), 3, true, "timed out", true);
}
