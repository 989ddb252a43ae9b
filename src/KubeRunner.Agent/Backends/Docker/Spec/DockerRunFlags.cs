using System.Collections.Frozen;

namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>
/// The flags of <c>docker run</c> (Docker 27), so that options text can tell a flag this runner does not
/// apply (ignored or refused, by name) from a typo (an error). Each long name maps to whether it takes a value.
/// </summary>
internal static class DockerRunFlags
{
    private static readonly string[] WithValue =
    [
        "add-host", "annotation", "attach", "blkio-weight", "blkio-weight-device", "cap-add", "cap-drop", "cgroup-parent",
        "cgroupns", "cidfile", "cpu-count", "cpu-percent", "cpu-period", "cpu-quota", "cpu-rt-period", "cpu-rt-runtime",
        "cpu-shares", "cpus", "cpuset-cpus", "cpuset-mems", "device", "device-cgroup-rule", "device-read-bps",
        "device-read-iops", "device-write-bps", "device-write-iops", "dns", "dns-opt", "dns-option", "dns-search",
        "domainname", "entrypoint", "env", "env-file", "expose", "gpus", "group-add", "health-cmd", "health-interval",
        "health-retries", "health-start-interval", "health-start-period", "health-timeout", "hostname", "io-maxbandwidth",
        "io-maxiops", "ip", "ip6", "ipc", "isolation", "kernel-memory", "label", "label-file", "link", "link-local-ip",
        "log-driver", "log-opt", "mac-address", "memory", "memory-reservation", "memory-swap", "memory-swappiness", "mount",
        "name", "net", "net-alias", "network", "network-alias", "oom-score-adj", "pid", "pids-limit", "platform", "publish",
        "pull", "restart", "runtime", "security-opt", "shm-size", "stop-signal", "stop-timeout", "storage-opt", "sysctl",
        "tmpfs", "ulimit", "user", "userns", "uts", "volume", "volume-driver", "volumes-from", "workdir",
    ];

    private static readonly string[] Switches =
    [
        "detach", "disable-content-trust", "help", "init", "interactive", "no-healthcheck", "oom-kill-disable", "privileged",
        "publish-all", "quiet", "read-only", "rm", "sig-proxy", "tty", "use-api-socket",
    ];

    /// <summary>Long name → takes a value.</summary>
    public static FrozenDictionary<string, bool> Long { get; } =
        WithValue.Select(name => KeyValuePair.Create(name, true)).Concat(Switches.Select(name => KeyValuePair.Create(name, false)))
            .ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Short name → long name.</summary>
    public static FrozenDictionary<char, string> Short { get; } = new Dictionary<char, string>
    {
        ['a'] = "attach", ['c'] = "cpu-shares", ['d'] = "detach", ['e'] = "env", ['h'] = "hostname", ['i'] = "interactive",
        ['l'] = "label", ['m'] = "memory", ['p'] = "publish", ['P'] = "publish-all", ['q'] = "quiet", ['t'] = "tty",
        ['u'] = "user", ['v'] = "volume", ['w'] = "workdir",
    }.ToFrozenDictionary();
}
