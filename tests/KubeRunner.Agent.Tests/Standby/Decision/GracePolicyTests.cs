using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Standby.Decision;
using KubeRunner.Agent.Standby.Peers;

namespace KubeRunner.Agent.Tests.Standby.Decision;

/// <summary>How old a waiting job must be before a standby claims it (reference/standby.md §4.4, §4.8).</summary>
public sealed class GracePolicyTests
{
    // Every grace different, so that a test can tell which one was used.
    private static readonly StandbyOptions Level1 = new()
    {
        Priority = 1,
        GraceDown = TimeSpan.FromSeconds(11),
        GraceSaturated = TimeSpan.FromSeconds(22),
        GraceUnknown = TimeSpan.FromSeconds(33),
        GraceHealthy = TimeSpan.FromSeconds(44),
        GraceStep = TimeSpan.FromSeconds(5),
    };

    [Theory]
    [InlineData(nameof(PeerState.Healthy), 44)]
    [InlineData(nameof(PeerState.Saturated), 22)]
    [InlineData(nameof(PeerState.Draining), 0)]
    [InlineData(nameof(PeerState.Wedged), 11)]
    [InlineData(nameof(PeerState.Unknown), 33)]
    [InlineData(nameof(PeerState.Starting), 33)]
    [InlineData(nameof(PeerState.Down), 11)]
    public void For_OnePeer_TheGraceOfItsState(string name, int seconds)
    {
        var state = Enum.Parse<PeerState>(name);
        var grace = GracePolicy.For([state], Level1);

        Assert.NotNull(grace);
        Assert.Equal(TimeSpan.FromSeconds(seconds), grace.Value);
        Assert.Equal(state, grace.Because);
    }

    [Theory]
    [InlineData(2, 44 + 5)]
    [InlineData(3, 44 + 10)]
    public void For_LowerLevel_AddsOneGraceStepPerLevelBelowTheFirst(int priority, int seconds)
    {
        var grace = GracePolicy.For([PeerState.Healthy], Level1 with { Priority = priority });

        Assert.Equal(TimeSpan.FromSeconds(seconds), grace!.Value);
    }

    [Fact]
    public void For_Level2WithADrainingPeer_WaitsOnlyTheStep()
    {
        // Level 1 gets the first chance at a job the primary does not take.
        Assert.Equal(TimeSpan.FromSeconds(5), GracePolicy.For([PeerState.Draining], Level1 with { Priority = 2 })!.Value);
    }

    [Fact]
    public void For_SeveralPeers_TheLongestGraceOfThoseNotDown()
    {
        var grace = GracePolicy.For([PeerState.Down, PeerState.Saturated, PeerState.Draining, PeerState.Down], Level1);

        Assert.Equal(TimeSpan.FromSeconds(22), grace!.Value);
        Assert.Equal(PeerState.Saturated, grace.Because);
        Assert.Equal(PeerState.Healthy, GracePolicy.For([PeerState.Unknown, PeerState.Healthy, PeerState.Wedged], Level1)!.Because);
    }

    [Fact]
    public void For_AllDown_GraceDownWithoutTheStep()
    {
        var grace = GracePolicy.For([PeerState.Down, PeerState.Down], Level1 with { Priority = 3 });

        Assert.Equal(TimeSpan.FromSeconds(11), grace!.Value);
        Assert.Equal(PeerState.Down, grace.Because);
    }

    [Fact]
    public void For_OnlyThePeerNotDownCountsOnALowerLevel()
    {
        var grace = GracePolicy.For([PeerState.Down, PeerState.Wedged], Level1 with { Priority = 2 });

        Assert.Equal(TimeSpan.FromSeconds(11 + 5), grace!.Value);
        Assert.Equal(PeerState.Wedged, grace.Because);
    }

    [Theory]
    [InlineData(nameof(PeerState.Saturated))]
    [InlineData(nameof(PeerState.Saturated), nameof(PeerState.Down))]
    [InlineData(nameof(PeerState.Healthy), nameof(PeerState.Saturated))]
    [InlineData(nameof(PeerState.Saturated), nameof(PeerState.Draining))]
    public void For_SaturatedWithoutSpillOver_NoClaim(params string[] names)
    {
        Assert.Null(GracePolicy.For(names.Select(Enum.Parse<PeerState>).ToList(), Level1 with { SpillOver = false }));
    }

    [Fact]
    public void For_WithoutSpillOver_OtherStatesStillHaveTheirGrace()
    {
        Assert.Equal(TimeSpan.FromSeconds(11), GracePolicy.For([PeerState.Wedged], Level1 with { SpillOver = false })!.Value);
    }

    [Fact]
    public void For_GraceSaturatedZero_BurstAtOnce()
    {
        var grace = GracePolicy.For([PeerState.Saturated], Level1 with { GraceSaturated = TimeSpan.Zero });

        Assert.Equal(TimeSpan.Zero, grace!.Value);
        Assert.Equal(PeerState.Saturated, grace.Because);
    }
}
