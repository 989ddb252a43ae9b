using System.Collections.Frozen;
using static KubeRunner.Agent.Configuration.ConfigValueKind;

namespace KubeRunner.Agent.Configuration;

/// <summary>
/// Every key config.yaml may hold, section by section, in the order of forgejo-runner's config
/// structs (internal/pkg/config/config.go). The reader uses it to parse and to warn about unknown
/// keys, the printer to write the effective configuration. A new section (label profiles, backends,
/// standby) is one more <see cref="Section"/> entry here plus the code that builds its options.
/// </summary>
internal static class ConfigSchema
{
    public static IReadOnlyList<ConfigSection> Sections { get; } =
    [
        Section("log",
            Key("level", Text, c => c.Log.Level),
            Key("job_level", Text, c => c.Log.JobLevel)),
        Section("runner",
            Key("file", Text, c => c.Runner.File),
            Key("capacity", Integer, c => c.Runner.Capacity),
            Key("envs", StringMap, c => c.Runner.Envs),
            Key("env_file", Text, c => c.Runner.EnvFile),
            Key("timeout", Duration, c => c.Runner.Timeout),
            Key("shutdown_timeout", Duration, c => c.Runner.ShutdownTimeout),
            Key("insecure", Bool, c => c.Runner.Insecure),
            Key("fetch_timeout", Duration, c => c.Runner.FetchTimeout),
            Key("fetch_interval", Duration, c => c.Runner.FetchInterval),
            Key("report_interval", Duration, c => c.Runner.ReportInterval),
            Key("labels", StringList, c => c.Runner.Labels)),
        Section("runner.report_retry",
            Key("max_retries", Count, c => c.Runner.ReportRetry.MaxRetries),
            Key("initial_delay", Duration, c => c.Runner.ReportRetry.InitialDelay),
            Key("max_delay", Duration, c => c.Runner.ReportRetry.MaxDelay)),
        Section("cache",
            Key("enabled", Bool, c => c.Cache.Enabled),
            Key("dir", Text, c => c.Cache.Dir),
            Key("host", Text, c => c.Cache.Host),
            Key("port", Port, c => c.Cache.Port),
            Key("proxy_port", Port, c => c.Cache.ProxyPort),
            Key("external_server", Text, c => c.Cache.ExternalServer),
            Key("actions_cache_url_override", Text, c => c.Cache.ActionsCacheUrlOverride),
            Key("secret", Text, c => c.Cache.Secret)),
        Section("container",
            Key("network", Text, c => c.Container.Network),
            Key("network_mode", Text, c => c.Container.NetworkMode, deprecated: true),
            Key("enable_ipv6", Bool, c => c.Container.EnableIpv6),
            Key("privileged", Bool, c => c.Container.Privileged),
            Key("options", Text, c => c.Container.Options),
            Key("workdir_parent", Text, c => c.Container.WorkdirParent),
            Key("valid_volumes", StringList, c => c.Container.ValidVolumes),
            Key("docker_host", Text, c => c.Container.DockerHost),
            Key("force_pull", Bool, c => c.Container.ForcePull),
            Key("force_rebuild", Bool, c => c.Container.ForceRebuild)),
        Section("host",
            Key("workdir_parent", Text, c => c.Host.WorkdirParent)),
        Section("executor",
            Key("listen", Text, c => c.Executor.Listen),
            Key("socket", Text, c => c.Executor.Socket),
            Key("path", Text, c => c.Executor.Path),
            Key("kill_grace", Duration, c => c.Executor.KillGrace),
            Key("cancel_timeout", Duration, c => c.Executor.CancelTimeout),
            Key("reconnect_window", Duration, c => c.Executor.ReconnectWindow)),
        Section("http",
            Key("listen", Text, c => c.Http.Listen)),
        Section("registration",
            Key("instance", Text, c => c.Registration.Instance),
            Key("token_file", Text, c => c.Registration.TokenFile),
            Key("name", Text, c => c.Registration.Name),
            Key("secret", Text, c => c.Registration.Secret),
            Key("namespace", Text, c => c.Registration.Namespace)),
        Section("standby",
            Key("fleet_secret_file", Text, c => c.Standby.FleetSecretFile),
            Key("priority", Integer, c => c.Standby.Priority),
            Key("peers", StringList, c => c.Standby.Peers),
            Key("peer_interval", Duration, c => c.Standby.PeerInterval),
            Key("peer_timeout", Duration, c => c.Standby.PeerTimeout),
            Key("peer_lost_after", Integer, c => c.Standby.PeerLostAfter),
            Key("forge_jobs_poll", Duration, c => c.Standby.ForgeJobsPoll),
            Key("forge_status_poll", Duration, c => c.Standby.ForgeStatusPoll),
            Key("grace_down", Duration, c => c.Standby.GraceDown),
            Key("grace_saturated", Duration, c => c.Standby.GraceSaturated),
            Key("grace_unknown", Duration, c => c.Standby.GraceUnknown),
            Key("grace_healthy", Duration, c => c.Standby.GraceHealthy),
            Key("grace_step", Duration, c => c.Standby.GraceStep),
            Key("recover_after", Duration, c => c.Standby.RecoverAfter),
            Key("min_active_dwell", Duration, c => c.Standby.MinActiveDwell),
            Key("declare_keepalive", Duration, c => c.Standby.DeclareKeepalive),
            Key("api_token_file", Text, c => c.Standby.ApiTokenFile),
            Key("api_scope", Text, c => c.Standby.ApiScope),
            Key("spill_over", Bool, c => c.Standby.SpillOver)),
        Section("actions",
            Key("cache_dir", Text, c => c.Actions.CacheDir),
            Key("cache_max_size", Size, c => c.Actions.CacheMaxSize),
            Key("resolve_ttl", Duration, c => c.Actions.ResolveTtl),
            Key("download_timeout", Duration, c => c.Actions.DownloadTimeout),
            Key("node", Text, c => c.Actions.Node)),
        Section("docker",
            Key("host", Text, c => c.Docker.Host),
            Key("executor_bundle", Text, c => c.Docker.ExecutorBundle),
            Key("pull", Text, c => c.Docker.Pull),
            Key("agent", Text, c => c.Docker.Agent),
            Key("profiles", Profiles, c => c.Docker.Profiles)),
        Section("kubernetes",
            Key("kubeconfig", Text, c => c.Kubernetes.Kubeconfig),
            Key("namespace", Text, c => c.Kubernetes.Namespace),
            Key("agent_address", Text, c => c.Kubernetes.AgentAddress),
            Key("qps", Integer, c => c.Kubernetes.Qps),
            Key("burst", Integer, c => c.Kubernetes.Burst),
            Key("unschedulable_timeout", Duration, c => c.Kubernetes.UnschedulableTimeout),
            Key("profiles", KubernetesProfiles, c => c.Kubernetes.Profiles)),
    ];

    public static FrozenDictionary<string, ConfigKey> KeysByPath { get; } =
        Sections.SelectMany(section => section.Keys).ToFrozenDictionary(key => key.Path, StringComparer.Ordinal);

    public static FrozenSet<string> SectionPaths { get; } =
        Sections.Select(section => section.Path).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Sections directly inside <paramref name="parentPath"/> (null for the top level), in order.</summary>
    public static IEnumerable<ConfigSection> ChildSections(string? parentPath) =>
        Sections.Where(section => section.ParentPath == parentPath);

    private static ConfigSection Section(string path, params KeyDefinition[] keys) =>
        new(path, [.. keys.Select(key => new ConfigKey($"{path}.{key.Name}", key.Kind, key.Read, key.Deprecated))]);

    private static KeyDefinition Key(string name, ConfigValueKind kind, Func<RunnerConfig, object> read, bool deprecated = false) =>
        new(name, kind, read, deprecated);

    private sealed record KeyDefinition(string Name, ConfigValueKind Kind, Func<RunnerConfig, object> Read, bool Deprecated);
}
