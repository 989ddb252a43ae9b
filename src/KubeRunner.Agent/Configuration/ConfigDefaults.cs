namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Turns the values that were set into options, filling in defaults exactly where forgejo-runner's
/// <c>LoadDefault</c> does: several settings treat zero or a negative value as "not set".
/// </summary>
internal static class ConfigDefaults
{
    public static LogOptions Log(ConfigValues values) => new()
    {
        Level = NormalizeLevel(values.String("log.level") ?? LogOptions.DefaultLevel),
        JobLevel = NormalizeLevel(values.String("log.job_level") ?? LogOptions.DefaultLevel),
    };

    public static RunnerOptions Runner(ConfigValues values) => new()
    {
        File = NonEmpty(values.String("runner.file")) ?? RunnerOptions.DefaultFile,
        Capacity = Positive(values.Integer("runner.capacity")) ?? RunnerOptions.DefaultCapacity,
        Envs = values.Map("runner.envs") ?? RunnerOptions.NoEnvs,
        EnvFile = values.String("runner.env_file") ?? "",
        Timeout = Positive(values.Duration("runner.timeout")) ?? RunnerOptions.DefaultTimeout,
        ShutdownTimeout = values.Duration("runner.shutdown_timeout") ?? TimeSpan.Zero,
        Insecure = values.Boolean("runner.insecure") ?? false,
        FetchTimeout = Positive(values.Duration("runner.fetch_timeout")) ?? RunnerOptions.DefaultFetchTimeout,
        FetchInterval = Positive(values.Duration("runner.fetch_interval")) ?? RunnerOptions.DefaultFetchInterval,
        ReportInterval = Positive(values.Duration("runner.report_interval")) ?? RunnerOptions.DefaultReportInterval,
        Labels = values.List("runner.labels") ?? [],
        ReportRetry = new RetryOptions
        {
            MaxRetries = Positive(values.Integer("runner.report_retry.max_retries")) ?? RetryOptions.DefaultMaxRetries,
            InitialDelay = Positive(values.Duration("runner.report_retry.initial_delay")) ?? RetryOptions.DefaultInitialDelay,
            MaxDelay = values.Duration("runner.report_retry.max_delay") ?? TimeSpan.Zero,
        },
    };

    public static CacheOptions Cache(ConfigValues values, string homeDirectory)
    {
        var enabled = values.Boolean("cache.enabled") ?? true;
        var dir = values.String("cache.dir") ?? "";
        return new CacheOptions
        {
            Enabled = enabled,
            // The default directory is only filled in when the cache is on, as forgejo-runner does.
            Dir = enabled && dir.Length == 0 ? Path.Combine(homeDirectory, ".cache", "actcache") : dir,
            Host = values.String("cache.host") ?? "",
            Port = values.Integer("cache.port") ?? 0,
            ProxyPort = values.Integer("cache.proxy_port") ?? 0,
            ExternalServer = values.String("cache.external_server") ?? "",
            ActionsCacheUrlOverride = values.String("cache.actions_cache_url_override") ?? "",
            Secret = values.String("cache.secret") ?? "",
        };
    }

    public static ContainerOptions Container(ConfigValues values, string? file, List<ConfigWarning> warnings)
    {
        var network = values.String("container.network") ?? "";
        var networkMode = values.String("container.network_mode") ?? "";
        if (networkMode.Length > 0 && network.Length == 0)
        {
            // network_mode predates network. "bridge" used to mean "a fresh network per job", which is
            // what an empty network means now; anything else names the network to use.
            network = networkMode == "bridge" ? "" : networkMode;
            var meaning = network.Length == 0 ? "an empty container.network (a network per job)" : $"container.network: {network}";
            warnings.Add(new ConfigWarning(file, values.LineOf("container.network_mode"), "container.network_mode",
                $"deprecated, use container.network instead; '{networkMode}' is taken as {meaning}"));
        }

        return new ContainerOptions
        {
            Network = network,
            NetworkMode = networkMode,
            EnableIpv6 = values.Boolean("container.enable_ipv6") ?? false,
            Privileged = values.Boolean("container.privileged") ?? false,
            Options = values.String("container.options") ?? "",
            WorkdirParent = NonEmpty(values.String("container.workdir_parent")) ?? ContainerOptions.DefaultWorkdirParent,
            ValidVolumes = values.List("container.valid_volumes") ?? [],
            DockerHost = NonEmpty(values.String("container.docker_host")) ?? ContainerOptions.DefaultDockerHost,
            ForcePull = values.Boolean("container.force_pull") ?? false,
            ForceRebuild = values.Boolean("container.force_rebuild") ?? false,
        };
    }

    public static HostWorkOptions Host(ConfigValues values, string homeDirectory, string currentDirectory) => new()
    {
        WorkdirParent = Path.GetFullPath(
            NonEmpty(values.String("host.workdir_parent")) ?? Path.Combine(homeDirectory, ".cache", "act"),
            currentDirectory),
    };

    public static ExecutorOptions Executor(ConfigValues values, HostWorkOptions host, string currentDirectory) => new()
    {
        Listen = values.String("executor.listen") ?? "",
        // One socket per workdir_parent: a second runner on the machine sets its own workdir_parent.
        Socket = System.IO.Path.GetFullPath(NonEmpty(values.String("executor.socket")) ?? System.IO.Path.Combine(host.WorkdirParent, "agent", "kube-runner.sock"), currentDirectory),
        Path = NonEmpty(values.String("executor.path")) is { } path ? System.IO.Path.GetFullPath(path, currentDirectory) : "",
        KillGrace = Positive(values.Duration("executor.kill_grace")) ?? ExecutorOptions.DefaultKillGrace,
        CancelTimeout = Positive(values.Duration("executor.cancel_timeout")) ?? ExecutorOptions.DefaultCancelTimeout,
        ReconnectWindow = Positive(values.Duration("executor.reconnect_window")) ?? ExecutorOptions.DefaultReconnectWindow,
    };

    public static HttpOptions Http(ConfigValues values) => new() { Listen = values.String("http.listen") ?? "" };

    public static RegistrationOptions Registration(ConfigValues values, string currentDirectory) => new()
    {
        Instance = values.String("registration.instance") ?? "",
        TokenFile = NonEmpty(values.String("registration.token_file")) is { } token ? Path.GetFullPath(token, currentDirectory) : "",
        Name = values.String("registration.name") ?? "",
        Secret = values.String("registration.secret") ?? "",
        Namespace = values.String("registration.namespace") ?? "",
    };

    // KubeRunner's own section: values are taken as written (0s is not "the default"), because a grace
    // of 0s has a meaning of its own (grace_saturated: spill over at once); the validator refuses what
    // cannot work instead.
    public static StandbyOptions Standby(ConfigValues values, string currentDirectory) => new()
    {
        FleetSecretFile = NonEmpty(values.String("standby.fleet_secret_file")) is { } file ? Path.GetFullPath(file, currentDirectory) : "",
        Priority = values.Integer("standby.priority") ?? 0,
        Peers = values.List("standby.peers") ?? [],
        PeerInterval = values.Duration("standby.peer_interval") ?? StandbyOptions.DefaultPeerInterval,
        PeerTimeout = values.Duration("standby.peer_timeout") ?? StandbyOptions.DefaultPeerTimeout,
        PeerLostAfter = values.Integer("standby.peer_lost_after") ?? StandbyOptions.DefaultPeerLostAfter,
        ForgeJobsPoll = values.Duration("standby.forge_jobs_poll") ?? StandbyOptions.DefaultForgeJobsPoll,
        ForgeStatusPoll = values.Duration("standby.forge_status_poll") ?? StandbyOptions.DefaultForgeStatusPoll,
        GraceDown = values.Duration("standby.grace_down") ?? StandbyOptions.DefaultGraceDown,
        GraceSaturated = values.Duration("standby.grace_saturated") ?? StandbyOptions.DefaultGraceSaturated,
        GraceUnknown = values.Duration("standby.grace_unknown") ?? StandbyOptions.DefaultGraceUnknown,
        GraceHealthy = values.Duration("standby.grace_healthy") ?? StandbyOptions.DefaultGraceHealthy,
        GraceStep = values.Duration("standby.grace_step") ?? StandbyOptions.DefaultGraceStep,
        RecoverAfter = values.Duration("standby.recover_after") ?? StandbyOptions.DefaultRecoverAfter,
        MinActiveDwell = values.Duration("standby.min_active_dwell") ?? StandbyOptions.DefaultMinActiveDwell,
        DeclareKeepalive = values.Duration("standby.declare_keepalive") ?? StandbyOptions.DefaultDeclareKeepalive,
        ApiTokenFile = NonEmpty(values.String("standby.api_token_file")) is { } token ? Path.GetFullPath(token, currentDirectory) : "",
        ApiScope = values.String("standby.api_scope") ?? "",
        SpillOver = values.Boolean("standby.spill_over") ?? true,
    };

    public static ActionsOptions Actions(ConfigValues values, HostWorkOptions host, string currentDirectory) => new()
    {
        // Next to the other runner data, so that one workdir_parent holds everything a runner keeps.
        CacheDir = Path.GetFullPath(NonEmpty(values.String("actions.cache_dir")) ?? Path.Combine(host.WorkdirParent, "actions"), currentDirectory),
        CacheMaxSize = Positive(values.Size("actions.cache_max_size")) ?? ActionsOptions.DefaultCacheMaxSize,
        ResolveTtl = values.Duration("actions.resolve_ttl") ?? ActionsOptions.DefaultResolveTtl,
        DownloadTimeout = Positive(values.Duration("actions.download_timeout")) ?? ActionsOptions.DefaultDownloadTimeout,
        Node = NonEmpty(values.String("actions.node")) is { } node ? Path.GetFullPath(node, currentDirectory) : "",
    };

    public static DockerOptions Docker(ConfigValues values, IReadOnlyDictionary<string, string> environment, string currentDirectory) => new()
    {
        Host = NonEmpty(values.String("docker.host")) ?? DefaultDockerHost(values, environment),
        ExecutorBundle = NonEmpty(values.String("docker.executor_bundle")) is { } bundle ? Path.GetFullPath(bundle, currentDirectory) : "",
        Agent = NonEmpty(values.String("docker.agent")) ?? "socket",
        Pull = NonEmpty(values.String("docker.pull"))?.ToLowerInvariant()
            ?? (values.Boolean("container.force_pull") == true ? DockerOptions.PullAlways : DockerOptions.PullMissing),
        Profiles = values.Profiles("docker.profiles") ?? DockerOptions.NoProfiles,
    };

    public static KubernetesOptions Kubernetes(ConfigValues values, string currentDirectory) => new()
    {
        Kubeconfig = NonEmpty(values.String("kubernetes.kubeconfig")) is { } kubeconfig ? Path.GetFullPath(kubeconfig, currentDirectory) : "",
        Namespace = NonEmpty(values.String("kubernetes.namespace")) ?? KubernetesOptions.DefaultNamespace,
        AgentAddress = values.String("kubernetes.agent_address") ?? "",
        Qps = values.Integer("kubernetes.qps") ?? 5,
        Burst = values.Integer("kubernetes.burst") ?? 10,
        UnschedulableTimeout = Positive(values.Duration("kubernetes.unschedulable_timeout")) ?? KubernetesOptions.DefaultUnschedulableTimeout,
        Profiles = values.KubernetesProfiles("kubernetes.profiles") ?? KubernetesOptions.NoProfiles,
    };

    // The daemon forgejo-runner would use: container.docker_host when it names one ("-" and
    // "automount" only say whether to mount a socket into jobs), else DOCKER_HOST, else the usual socket.
    private static string DefaultDockerHost(ConfigValues values, IReadOnlyDictionary<string, string> environment)
    {
        var containerHost = values.String("container.docker_host");
        if (NonEmpty(containerHost) is { } named && named is not (ContainerOptions.DefaultDockerHost or "automount"))
        {
            return named;
        }

        return environment.TryGetValue("DOCKER_HOST", out var variable) && variable.Length > 0 ? variable : DockerOptions.DefaultHost;
    }

    // logrus, which forgejo-runner uses, reads levels case-insensitively and knows "warning" as "warn".
    // Unknown levels stay as written so that the validator's message quotes the operator's text.
    private static string NormalizeLevel(string level)
    {
        var lower = level.ToLowerInvariant();
        return lower == "warning" ? "warn" : LogOptions.Levels.Contains(lower) ? lower : level;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static int? Positive(int? value) => value > 0 ? value : null;

    private static long? Positive(long? value) => value > 0 ? value : null;

    private static TimeSpan? Positive(TimeSpan? value) => value > TimeSpan.Zero ? value : null;
}
