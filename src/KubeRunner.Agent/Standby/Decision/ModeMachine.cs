using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Standby.Peers;

namespace KubeRunner.Agent.Standby.Decision;

/// <summary>Whether a standby holds back or fetches as any runner does.</summary>
internal enum StandbyMode
{
    /// <summary>No FetchTask except to claim a job that waited longer than the grace.</summary>
    Standby,

    /// <summary>Fetches every fetch_interval: the peers above it are down or draining.</summary>
    Active,
}

/// <summary>A change of mode, with the evidence that made it.</summary>
internal sealed record ModeChange(StandbyMode From, StandbyMode To, string Reason);

/// <summary>
/// The standby's two modes (reference/standby.md §4.5). It turns active once every higher-priority peer
/// has been down (for grace_down) or draining; it holds back again only after at least
/// min_active_dwell, once every peer has been healthy or saturated for recover_after without
/// restarting. A mode change never touches running jobs: it only decides whether to fetch.
/// </summary>
internal sealed class ModeMachine(StandbyOptions options, TimeProvider time)
{
    private readonly Dictionary<string, (long Since, PeerState State)> _takeover = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Since, string? BootId)> _up = new(StringComparer.Ordinal);
    private long _changedAt = time.GetTimestamp();

    public StandbyMode Mode { get; private set; } = StandbyMode.Standby;

    public string Reason { get; private set; } = "started: holding back until the peers above are seen down or draining";

    public TimeSpan SinceChange => time.GetElapsedTime(_changedAt);

    /// <param name="heartbeatOnly">
    /// Whether the forge's waiting-jobs API is unavailable. Then no job can be seen ageing, so a peer that is
    /// lost (for grace_unknown) or cut off from the forge (for grace_down) also makes this agent active.
    /// </param>
    public ModeChange? Update(IReadOnlyList<PeerJudgement> peers, bool heartbeatOnly)
    {
        var now = time.GetTimestamp();
        Track(peers, heartbeatOnly, now);
        if (Mode == StandbyMode.Standby && peers.Count > 0 && peers.All(p => TakeoverDue(p, heartbeatOnly, now)))
        {
            return Change(StandbyMode.Active, now, "taking jobs: " + Describe(peers));
        }

        if (Mode == StandbyMode.Active && time.GetElapsedTime(_changedAt, now) >= options.MinActiveDwell
            && peers.All(p => _up.TryGetValue(p.Peer.Address, out var up) && time.GetElapsedTime(up.Since, now) >= options.RecoverAfter))
        {
            return Change(StandbyMode.Standby, now, $"holding back again: healthy for {options.RecoverAfter.TotalSeconds:0}s: " + Describe(peers));
        }

        return null;
    }

    private void Track(IReadOnlyList<PeerJudgement> peers, bool heartbeatOnly, long now)
    {
        foreach (var peer in peers)
        {
            var address = peer.Peer.Address;
            if (RequiredFor(peer.State, heartbeatOnly) is null)
            {
                _takeover.Remove(address);
            }
            else if (!_takeover.TryGetValue(address, out var since) || since.State != peer.State)
            {
                _takeover[address] = (now, peer.State);
            }

            var up = peer.State is PeerState.Healthy or PeerState.Saturated;
            if (!up)
            {
                _up.Remove(address);
            }
            else if (!_up.TryGetValue(address, out var was) || was.BootId != peer.BootId)
            {
                // A restart starts the recovery time again: a peer that flaps through restarts is not trusted yet.
                _up[address] = (now, peer.BootId);
            }
        }
    }

    private bool TakeoverDue(PeerJudgement peer, bool heartbeatOnly, long now) =>
        RequiredFor(peer.State, heartbeatOnly) is { } required
        && _takeover.TryGetValue(peer.Peer.Address, out var since)
        && time.GetElapsedTime(since.Since, now) >= required;

    /// <summary>How long a peer must stay in <paramref name="state"/> before it counts as gone; null: it does not.</summary>
    private TimeSpan? RequiredFor(PeerState state, bool heartbeatOnly) => state switch
    {
        PeerState.Down => options.GraceDown,
        PeerState.Draining => TimeSpan.Zero,
        PeerState.Unknown when heartbeatOnly => options.GraceUnknown,
        PeerState.Wedged when heartbeatOnly => options.GraceDown,
        _ => null,
    };

    private ModeChange Change(StandbyMode to, long now, string reason)
    {
        var change = new ModeChange(Mode, to, reason);
        Mode = to;
        Reason = reason;
        _changedAt = now;
        return change;
    }

    private static string Describe(IReadOnlyList<PeerJudgement> peers) =>
        string.Join("; ", peers.Select(p => $"{p.Peer.Address} {p.State.Name()} ({p.Evidence})"));
}
