namespace KubeRunner.Agent.Standby.Peers;

/// <summary>A higher-priority peer as a standby judges it (reference/standby.md §4.4).</summary>
internal enum PeerState
{
    /// <summary>Not heard from since this agent started, and not yet missed often enough to be lost.</summary>
    Starting,

    /// <summary>Fresh heartbeat, accepting, a free slot, and its fetch loop answered recently.</summary>
    Healthy,

    /// <summary>Fresh heartbeat, every slot busy.</summary>
    Saturated,

    /// <summary>Fresh heartbeat that says it takes no new job (drained or stopping).</summary>
    Draining,

    /// <summary>Fresh heartbeat, but it cannot reach the forge, or its fetch loop has not been answered for long.</summary>
    Wedged,

    /// <summary>Lost, and the forge does not call it offline (or cannot say): a partition, or a crash not yet seen by the forge.</summary>
    Unknown,

    /// <summary>Lost, and the forge calls it offline or it could not reach the forge before it was lost.</summary>
    Down,
}

internal static class PeerStateNames
{
    /// <summary>The word used in the status document, logs and metrics.</summary>
    public static string Name(this PeerState state) => state switch
    {
        PeerState.Starting => "starting",
        PeerState.Healthy => "healthy",
        PeerState.Saturated => "saturated",
        PeerState.Draining => "draining",
        PeerState.Wedged => "wedged",
        PeerState.Unknown => "unknown",
        _ => "down",
    };

    public static IReadOnlyList<PeerState> All { get; } = Enum.GetValues<PeerState>();
}
