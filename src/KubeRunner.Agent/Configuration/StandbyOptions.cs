namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The <c>standby</c> section of config.yaml (KubeRunner's own): agents that back each other up. Every
/// agent with a fleet secret serves its status to its peers; an agent with a priority above 0 is a
/// standby: it watches its higher-priority peers (and, with an API token, the forge's waiting jobs and
/// runner status) and takes a job only when they cannot (reference/standby.md §4).
/// </summary>
internal sealed record StandbyOptions
{
    public static readonly TimeSpan DefaultPeerInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultPeerTimeout = TimeSpan.FromSeconds(1);
    public const int DefaultPeerLostAfter = 3;
    public static readonly TimeSpan DefaultForgeJobsPoll = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultForgeStatusPoll = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultGraceDown = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultGraceSaturated = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan DefaultGraceUnknown = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan DefaultGraceHealthy = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultGraceStep = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultRecoverAfter = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultMinActiveDwell = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultDeclareKeepalive = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A file holding the secret the agents of one fleet share; peers present it to read
    /// <c>/standby/v1/status</c> on <c>http.listen</c>, and <c>kube-runner drain</c> to drain. Empty: not served.
    /// </summary>
    public string FleetSecretFile { get; init; } = "";

    /// <summary>0: a primary (fetches as any runner does). 1, 2, …: a standby that holds back for the peers above it.</summary>
    public int Priority { get; init; }

    /// <summary>The higher-priority peers' <c>http.listen</c> base URLs (e.g. <c>http://crunchy01:9110</c>).</summary>
    public IReadOnlyList<string> Peers { get; init; } = [];

    /// <summary>How often each peer's status is read.</summary>
    public TimeSpan PeerInterval { get; init; } = DefaultPeerInterval;

    /// <summary>How long one read may take before it counts as a miss.</summary>
    public TimeSpan PeerTimeout { get; init; } = DefaultPeerTimeout;

    /// <summary>Consecutive misses after which a peer is lost.</summary>
    public int PeerLostAfter { get; init; } = DefaultPeerLostAfter;

    /// <summary>How often the forge's waiting-jobs API is read (±20 % jitter).</summary>
    public TimeSpan ForgeJobsPoll { get; init; } = DefaultForgeJobsPoll;

    /// <summary>How often the forge's runner-status API is read.</summary>
    public TimeSpan ForgeStatusPoll { get; init; } = DefaultForgeStatusPoll;

    /// <summary>A waiting job's age before the standby claims it when the peer is down or cut off from the forge.</summary>
    public TimeSpan GraceDown { get; init; } = DefaultGraceDown;

    /// <summary>… when the peer is alive with no free slot (only with <see cref="SpillOver"/>).</summary>
    public TimeSpan GraceSaturated { get; init; } = DefaultGraceSaturated;

    /// <summary>… when the peer is lost but the forge does not call it offline.</summary>
    public TimeSpan GraceUnknown { get; init; } = DefaultGraceUnknown;

    /// <summary>… when the peer says it is healthy with room yet did not take the job (a safety net).</summary>
    public TimeSpan GraceHealthy { get; init; } = DefaultGraceHealthy;

    /// <summary>Added per priority level below the first standby, so that level 2 waits for level 1's chance.</summary>
    public TimeSpan GraceStep { get; init; } = DefaultGraceStep;

    /// <summary>How long the peers must be healthy, without restarting, before an active standby holds back again.</summary>
    public TimeSpan RecoverAfter { get; init; } = DefaultRecoverAfter;

    /// <summary>The least time a standby stays active once it took over.</summary>
    public TimeSpan MinActiveDwell { get; init; } = DefaultMinActiveDwell;

    /// <summary>How often a holding-back standby calls Declare, so the forge keeps it online.</summary>
    public TimeSpan DeclareKeepalive { get; init; } = DefaultDeclareKeepalive;

    /// <summary>A file holding a forge API token with read scope for the runner's level. Empty: the heartbeat alone.</summary>
    public string ApiTokenFile { get; init; } = "";

    /// <summary>
    /// Whose waiting jobs and runners the token reads: <c>admin</c>, <c>org/NAME</c>,
    /// <c>repo/OWNER/NAME</c> or <c>user</c> — the level the runners are registered at.
    /// </summary>
    public string ApiScope { get; init; } = "";

    /// <summary>Whether the standby takes jobs that waited <see cref="GraceSaturated"/> while the primary is full.</summary>
    public bool SpillOver { get; init; } = true;

    /// <summary>Whether this agent holds back for peers (a priority above 0).</summary>
    public bool IsStandby => Priority > 0;
}
