namespace KubeRunner.Agent.Configuration;

/// <summary>The effective configuration: config.yaml (or its absence) with defaults and environment applied.</summary>
internal sealed record RunnerConfig
{
    /// <summary>forgejo-runner's HTTP client timeout when <c>FORGEJO_CLIENT_TIMEOUT</c> is not set.</summary>
    public static readonly TimeSpan DefaultClientTimeout = TimeSpan.FromSeconds(60);

    public LogOptions Log { get; init; } = new();

    public RunnerOptions Runner { get; init; } = new();

    public CacheOptions Cache { get; init; } = new();

    public ContainerOptions Container { get; init; } = new();

    public HostWorkOptions Host { get; init; } = new();

    public ExecutorOptions Executor { get; init; } = new();

    public HttpOptions Http { get; init; } = new();

    public RegistrationOptions Registration { get; init; } = new();

    public StandbyOptions Standby { get; init; } = new();

    public ActionsOptions Actions { get; init; } = new();

    public DockerOptions Docker { get; init; } = new();

    public KubernetesOptions Kubernetes { get; init; } = new();

    /// <summary>Timeout of each HTTP request to Forgejo; <see cref="Timeout.InfiniteTimeSpan"/> means none.</summary>
    public TimeSpan ClientTimeout { get; init; } = DefaultClientTimeout;

    /// <summary>Absolute path of the config file, or null when running on defaults.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Problems that did not stop loading (unknown keys, deprecated settings), for the caller to log.</summary>
    public IReadOnlyList<ConfigWarning> Warnings { get; init; } = [];
}
