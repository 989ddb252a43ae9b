using KubeRunner.Agent.Standby.ForgeApi;

namespace KubeRunner.Agent.Standby.Peers;

/// <summary>A peer's state and the evidence for it, in words for logs and <c>kube-runner status</c>.</summary>
internal sealed record PeerJudgement(PeerSnapshot Peer, PeerState State, ForgeRunnerState? ForgeStatus, string Evidence)
{
    /// <summary>The peer's boot id as last heard; a change resets its recovery time.</summary>
    public string? BootId => Peer.Last?.BootId;
}

/// <summary>
/// Turns a heartbeat record and the forge's word about the peer into a <see cref="PeerState"/>
/// (reference/standby.md §4.3–§4.4). No single weak signal makes a peer down: a lost heartbeat needs
/// the forge to call the peer offline, or the peer to have said it could not reach the forge.
/// </summary>
internal static class PeerJudge
{
    public static PeerJudgement Judge(PeerSnapshot peer, ForgeRunnerState? forgeStatus)
    {
        var forge = forgeStatus is { } status ? $"; the forge says {status.ToString().ToLowerInvariant()}" : "";
        if (peer.Lost)
        {
            var missed = $"{peer.Misses} missed reads ({peer.Problem})";
            if (forgeStatus == ForgeRunnerState.Offline)
            {
                return new(peer, PeerState.Down, forgeStatus, missed + forge);
            }

            if (!peer.ForgeOkWhenLost)
            {
                return new(peer, PeerState.Down, forgeStatus, missed + "; it could not reach the forge before it went silent" + forge);
            }

            var unknown = forgeStatus is null ? "; the forge's runner status is not available" : forge;
            return new(peer, PeerState.Unknown, forgeStatus, missed + unknown);
        }

        if (peer.Last is not { } last)
        {
            var why = peer.Misses > 0 ? $"{peer.Misses} missed reads ({peer.Problem})" : "no answer yet";
            return new(peer, PeerState.Starting, forgeStatus, why + forge);
        }

        var seq = $"seq {last.Sequence}";
        if (!last.Accepting)
        {
            return new(peer, PeerState.Draining, forgeStatus, $"{seq}: it takes no new job (draining or stopping)");
        }

        if (last.Busy >= last.Capacity)
        {
            return new(peer, PeerState.Saturated, forgeStatus, $"{seq}: {last.Busy} of {last.Capacity} slots busy");
        }

        if (!last.ForgeOk)
        {
            return new(peer, PeerState.Wedged, forgeStatus, $"{seq}: it cannot reach the forge");
        }

        // A peer in standby mode does not fetch, so only a fetching one can have a stalled fetch loop.
        if (last.Mode != PeerModes.Standby && FetchStalledFor(last, peer.SinceAnswer ?? TimeSpan.Zero) is { } stalled)
        {
            return new(peer, PeerState.Wedged, forgeStatus, $"{seq}: a free slot, but its last fetch was answered {stalled.TotalSeconds:0}s ago");
        }

        return new(peer, PeerState.Healthy, forgeStatus, $"{seq}: {last.Busy} of {last.Capacity} slots busy, fetching");
    }

    /// <summary>
    /// How long the peer's fetch loop has gone unanswered, when that is longer than 3 × fetch_interval +
    /// fetch_timeout (three missed rounds: a slow forge, not one bad call); else null.
    /// </summary>
    private static TimeSpan? FetchStalledFor(PeerStatus last, TimeSpan sinceAnswer)
    {
        var limit = TimeSpan.FromMilliseconds(3 * last.FetchIntervalMs + last.FetchTimeoutMs);
        if (last.SinceLastFetchOkMs is not { } ms)
        {
            // Never answered yet: a peer that just started gets the same allowance from its start.
            return null;
        }

        var age = TimeSpan.FromMilliseconds(ms) + sinceAnswer;
        return age > limit ? age : null;
    }
}

/// <summary>The words of <see cref="PeerStatus.Mode"/>.</summary>
internal static class PeerModes
{
    public const string Normal = "normal";
    public const string Standby = "standby";
    public const string Active = "active";
    public const string Draining = "draining";
}
