namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>What a <c>docker run</c> options text asks for, in the subset this runner applies.</summary>
internal sealed class ContainerSettings
{
    public string? HealthCmd { get; set; }

    public TimeSpan? HealthInterval { get; set; }

    public TimeSpan? HealthTimeout { get; set; }

    public TimeSpan? HealthStartPeriod { get; set; }

    public long? HealthRetries { get; set; }

    public bool NoHealthcheck { get; set; }

    /// <summary><c>-v</c> values as written: <c>name:/path[:mode]</c>, <c>/host:/path[:mode]</c> or an anonymous <c>/path</c>.</summary>
    public List<string> Volumes { get; } = [];

    /// <summary>Mount point → tmpfs options (may be empty).</summary>
    public Dictionary<string, string> Tmpfs { get; } = new(StringComparer.Ordinal);

    public long? Memory { get; set; }

    /// <summary><see cref="Memory"/> as written, for messages.</summary>
    public string? MemoryText { get; set; }

    public string? Hostname { get; set; }

    public string? Platform { get; set; }

    public double? Cpus { get; set; }

    public long? ShmSize { get; set; }

    public List<string> Ulimits { get; } = [];

    public List<string> CapAdd { get; } = [];

    public List<string> CapDrop { get; } = [];

    public List<string> SecurityOpt { get; } = [];

    /// <summary><c>NAME=value</c> entries.</summary>
    public List<string> Env { get; } = [];

    public List<string> AddHost { get; } = [];

    public List<string> Dns { get; } = [];

    public string? User { get; set; }

    public long? PidsLimit { get; set; }

    /// <summary>Settings of <paramref name="over"/> win; lists are joined.</summary>
    public static ContainerSettings Merge(ContainerSettings under, ContainerSettings over)
    {
        var merged = new ContainerSettings
        {
            HealthCmd = over.HealthCmd ?? under.HealthCmd,
            HealthInterval = over.HealthInterval ?? under.HealthInterval,
            HealthTimeout = over.HealthTimeout ?? under.HealthTimeout,
            HealthStartPeriod = over.HealthStartPeriod ?? under.HealthStartPeriod,
            HealthRetries = over.HealthRetries ?? under.HealthRetries,
            NoHealthcheck = over.NoHealthcheck || under.NoHealthcheck,
            Memory = over.Memory ?? under.Memory,
            MemoryText = over.Memory is null ? under.MemoryText : over.MemoryText,
            Hostname = over.Hostname ?? under.Hostname,
            Platform = over.Platform ?? under.Platform,
            Cpus = over.Cpus ?? under.Cpus,
            ShmSize = over.ShmSize ?? under.ShmSize,
            User = over.User ?? under.User,
            PidsLimit = over.PidsLimit ?? under.PidsLimit,
        };
        foreach (var source in (ContainerSettings[])[under, over])
        {
            merged.Volumes.AddRange(source.Volumes);
            merged.Ulimits.AddRange(source.Ulimits);
            merged.CapAdd.AddRange(source.CapAdd);
            merged.CapDrop.AddRange(source.CapDrop);
            merged.SecurityOpt.AddRange(source.SecurityOpt);
            merged.Env.AddRange(source.Env);
            merged.AddHost.AddRange(source.AddHost);
            merged.Dns.AddRange(source.Dns);
            foreach (var (path, options) in source.Tmpfs)
            {
                merged.Tmpfs[path] = options;
            }
        }

        return merged;
    }
}
