namespace KubeRunner.Agent.Configuration;

/// <summary>How a config.yaml value is written and checked.</summary>
internal enum ConfigValueKind
{
    /// <summary>Any scalar, taken as text (Go's YAML decoder also accepts numbers and booleans into strings).</summary>
    Text,

    /// <summary><c>true/false/yes/no/on/off</c>, any case.</summary>
    Bool,

    /// <summary>A whole number, possibly negative.</summary>
    Integer,

    /// <summary>A whole number of zero or more (Go <c>uint</c>).</summary>
    Count,

    /// <summary>A TCP port, 0 to 65535 (Go <c>uint16</c>).</summary>
    Port,

    /// <summary>A Go duration such as <c>30s</c> or <c>1h30m</c>.</summary>
    Duration,

    /// <summary>A size in bytes, plain or with a unit such as <c>500MiB</c> or <c>2GiB</c> (<see cref="ByteSize"/>).</summary>
    Size,

    /// <summary>A YAML sequence of scalars.</summary>
    StringList,

    /// <summary>A YAML mapping of names to scalars.</summary>
    StringMap,

    /// <summary><c>docker.profiles</c>: label names to <see cref="DockerProfile"/> mappings.</summary>
    Profiles,

    /// <summary><c>kubernetes.profiles</c>: label names to <see cref="KubernetesProfile"/> mappings.</summary>
    KubernetesProfiles,
}
