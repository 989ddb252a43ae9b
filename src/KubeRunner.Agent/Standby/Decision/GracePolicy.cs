using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Standby.Peers;

namespace KubeRunner.Agent.Standby.Decision;

/// <summary>
/// How long a waiting job must have been seen waiting before a standby claims it, given its
/// higher-priority peers' states (reference/standby.md §4.4 and §4.8): the longest grace among the
/// peers that are not down, plus one <c>grace_step</c> per level below the first standby, so that
/// level 2 leaves level 1 its chance; <c>grace_down</c> when all are down.
/// </summary>
internal static class GracePolicy
{
    /// <returns>
    /// The grace and the peer state that set it (the reason of a claim), or null when no job may be claimed
    /// (a saturated peer without spill-over).
    /// </returns>
    public static Grace? For(IReadOnlyCollection<PeerState> peers, StandbyOptions options)
    {
        var step = options.GraceStep * Math.Max(0, options.Priority - 1);
        Grace? longest = null;
        foreach (var state in peers.Where(s => s != PeerState.Down))
        {
            if (Of(state, options) is not { } grace)
            {
                return null;
            }

            longest = longest is null || grace > longest.Value ? new Grace(grace, state) : longest;
        }

        return longest is { } up ? up with { Value = up.Value + step } : new Grace(options.GraceDown, PeerState.Down);
    }

    /// <summary>The grace one peer in <paramref name="state"/> asks for.</summary>
    public static TimeSpan? Of(PeerState state, StandbyOptions options) => state switch
    {
        PeerState.Healthy => options.GraceHealthy,
        PeerState.Saturated => options.SpillOver ? options.GraceSaturated : null,
        PeerState.Draining => TimeSpan.Zero,
        PeerState.Wedged or PeerState.Down => options.GraceDown,
        // A peer not heard from yet is treated like one whose silence the forge cannot explain.
        _ => options.GraceUnknown,
    };
}

/// <summary>How old a waiting job must be before a claim, and the peer state that asks for that long.</summary>
internal sealed record Grace(TimeSpan Value, PeerState Because);

