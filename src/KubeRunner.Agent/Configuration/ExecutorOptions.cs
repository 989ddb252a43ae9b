namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The <c>executor</c> section of config.yaml (KubeRunner's own): where the agent serves the executors
/// that run its jobs, and how long it waits for them.
/// </summary>
internal sealed record ExecutorOptions
{
    public static readonly TimeSpan DefaultKillGrace = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultCancelTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultReconnectWindow = TimeSpan.FromMinutes(15);

    /// <summary>A TCP address (<c>host:port</c>) for executors in containers and pods; empty for none.</summary>
    public string Listen { get; init; } = "";

    /// <summary>The Unix socket of local executors; the loader fills in one under <c>host.workdir_parent</c>.</summary>
    public string Socket { get; init; } = "";

    /// <summary>The <c>kube-runner-executor</c> binary the host backend starts; empty for the one next to kube-runner.</summary>
    public string Path { get; init; } = "";

    /// <summary>Between TERM and KILL of a step's processes when it is cancelled or times out.</summary>
    public TimeSpan KillGrace { get; init; } = DefaultKillGrace;

    /// <summary>How long a cancelled job may still run what runs after a cancel before it is killed.</summary>
    public TimeSpan CancelTimeout { get; init; } = DefaultCancelTimeout;

    /// <summary>How long an executor keeps trying to reach an agent that went away (and an agent waits for it).</summary>
    public TimeSpan ReconnectWindow { get; init; } = DefaultReconnectWindow;
}
