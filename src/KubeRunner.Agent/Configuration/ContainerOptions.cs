namespace KubeRunner.Agent.Configuration;

/// <summary>The <c>container</c> section of config.yaml.</summary>
internal sealed class ContainerOptions
{
    public const string DefaultWorkdirParent = "workspace";
    public const string DefaultDockerHost = "-";

    /// <summary>Network for job containers; empty means a network per job.</summary>
    public string Network { get; init; } = "";

    /// <summary>Deprecated spelling of <see cref="Network"/>, kept as written; the loader has already folded it into <see cref="Network"/>.</summary>
    public string NetworkMode { get; init; } = "";

    public bool EnableIpv6 { get; init; }

    public bool Privileged { get; init; }

    /// <summary>Extra <c>docker run</c>-style flags for every container.</summary>
    public string Options { get; init; } = "";

    /// <summary>Workspace root inside job containers: <c>/&lt;workdir_parent&gt;/&lt;owner&gt;/&lt;repo&gt;</c>.</summary>
    public string WorkdirParent { get; init; } = DefaultWorkdirParent;

    /// <summary>Glob allow-list of volumes and bind mounts jobs may use; empty allows none.</summary>
    public IReadOnlyList<string> ValidVolumes { get; init; } = [];

    /// <summary><c>-</c> (do not mount a socket), <c>automount</c>, or a Docker host URL.</summary>
    public string DockerHost { get; init; } = DefaultDockerHost;

    public bool ForcePull { get; init; }

    public bool ForceRebuild { get; init; }
}
