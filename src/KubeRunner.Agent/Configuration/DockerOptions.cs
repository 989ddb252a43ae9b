using System.Collections.Immutable;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// The <c>docker</c> section of config.yaml (KubeRunner's own): how the Docker backend reaches the
/// Docker daemon and what it puts into job containers.
/// </summary>
internal sealed record DockerOptions
{
    public const string DefaultHost = "unix:///var/run/docker.sock";
    public const string PullMissing = "missing";
    public const string PullAlways = "always";

    /// <summary>The Docker daemon: <c>unix:///path</c> or <c>tcp://host:port</c>; the loader fills in the default.</summary>
    public string Host { get; init; } = DefaultHost;

    /// <summary>Directory of the executor bundle copied into each job container; empty for the one next to kube-runner.</summary>
    public string ExecutorBundle { get; init; } = "";

    /// <summary><see cref="PullMissing"/> (pull only images that are not present) or <see cref="PullAlways"/>.</summary>
    public string Pull { get; init; } = PullMissing;

    /// <summary>How executors in job containers reach the agent: socket, host-gateway or container:NAME (see AgentReach).</summary>
    public string Agent { get; init; } = "socket";

    public static readonly ImmutableSortedDictionary<string, DockerProfile> NoProfiles = ImmutableSortedDictionary.Create<string, DockerProfile>(StringComparer.Ordinal);

    /// <summary>Label name → how that label's containers are made; labels without one use the <c>container</c> section alone.</summary>
    public ImmutableSortedDictionary<string, DockerProfile> Profiles { get; init; } = NoProfiles;
}
