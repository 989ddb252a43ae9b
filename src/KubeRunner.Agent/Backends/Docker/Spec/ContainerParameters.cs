using System.Globalization;
using Docker.DotNet.Models;

namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>
/// Builds the Engine API create requests of one task's containers from the operator's profile, the
/// workflow's evaluated <c>container:</c>/<c>services:</c> and their filtered options. Volumes the
/// workflow names (in <c>volumes</c> or <c>-v</c>) pass through <c>container.valid_volumes</c>; the
/// operator's own options and the runner's volumes do not need to.
/// </summary>
internal sealed class ContainerParameters(LabelProfile profile, IReadOnlyList<string> validVolumes, string? dockerSocket, IDictionary<string, string> labels, string network)
{
    public const string ServiceLabel = "kube-runner.service";

    /// <param name="binds">The runner's own binds (agent socket, task volumes), never filtered.</param>
    /// <param name="dropped">Sources of workflow volumes that valid_volumes does not allow.</param>
    public CreateContainerParameters Job(string name, string image, WorkflowContainer spec, ContainerSettings workflow, IList<string> env,
        string workingDirectory, IEnumerable<string> binds, List<string> dropped)
    {
        // Only the job container gets the Docker socket (container.docker_host), as in forgejo-runner.
        var parameters = Common(name, image, spec, workflow, dockerSocket is null ? binds : [.. binds, $"{dockerSocket}:{VolumeRules.DockerSocketInContainer}"], dropped);
        parameters.Entrypoint = [BundleArchive.Executable];
        parameters.WorkingDir = workingDirectory;
        parameters.Env = [.. env, .. profile.Settings.Env];
        return parameters;
    }

    public CreateContainerParameters Service(string name, string image, WorkflowContainer spec, ContainerSettings workflow, List<string> dropped)
    {
        var parameters = Common(name, image, spec, workflow, [], dropped);
        parameters.Labels[ServiceLabel] = spec.ServiceId!;
        parameters.Env = [.. profile.Settings.Env, .. spec.Env.Select(e => $"{e.Key}={e.Value}")];
        if (spec.Cmd.Count > 0)
        {
            parameters.Cmd = [.. spec.Cmd];
        }

        // The executor, the job container's main process, reads a root-only token file, and a health
        // check means nothing to it: --user and --health-* apply to services only.
        var settings = ContainerSettings.Merge(profile.Settings, workflow);
        if (settings.User is { } user)
        {
            parameters.User = user;
        }

        if (Health(settings) is { } health)
        {
            parameters.Healthcheck = health;
        }

        parameters.NetworkingConfig = new NetworkingConfig
        {
            EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new() { Aliases = [ServiceAlias.From(spec.ServiceId!)] } },
        };
        if (Ports(spec.Ports) is ({ } exposed, { } bindings))
        {
            parameters.ExposedPorts = exposed;
            parameters.HostConfig!.PortBindings = bindings;
        }

        return parameters;
    }

    private CreateContainerParameters Common(string name, string image, WorkflowContainer spec, ContainerSettings workflow,
        IEnumerable<string> binds, List<string> dropped)
    {
        var settings = ContainerSettings.Merge(profile.Settings, workflow);
        var (allowed, refused) = VolumeRules.Filter([.. spec.Volumes, .. workflow.Volumes], validVolumes);
        dropped.AddRange(refused);
        List<string> allBinds = [.. binds, .. profile.Settings.Volumes, .. allowed];

        var host = new HostConfig
        {
            NetworkMode = network,
            Binds = allBinds,
            Privileged = profile.Privileged,
            Memory = workflow.Memory ?? profile.Memory ?? 0,
            NanoCPUs = profile.Cpus is { } cpus ? (long)(cpus * 1e9) : 0,
            ShmSize = settings.ShmSize ?? 0,
            PidsLimit = settings.PidsLimit,
        };
        if (settings.Tmpfs.Count > 0)
        {
            host.Tmpfs = settings.Tmpfs;
        }

        if (settings.Ulimits.Count > 0)
        {
            host.Ulimits = [.. settings.Ulimits.Select(Ulimit)];
        }

        SetList(settings.CapAdd, list => host.CapAdd = list);
        SetList(settings.CapDrop, list => host.CapDrop = list);
        SetList(settings.SecurityOpt, list => host.SecurityOpt = list);
        SetList(settings.AddHost, list => host.ExtraHosts = list);
        SetList(settings.Dns, list => host.DNS = list);
        var parameters = new CreateContainerParameters
        {
            Name = name,
            Image = image,
            Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
            HostConfig = host,
        };
        if (settings.Hostname is { } hostname)
        {
            parameters.Hostname = hostname;
        }

        return parameters;
    }

    private static void SetList(List<string> values, Action<List<string>> set)
    {
        if (values.Count > 0)
        {
            set(values);
        }
    }

    private static HealthcheckConfig? Health(ContainerSettings settings)
    {
        if (settings.NoHealthcheck)
        {
            return new HealthcheckConfig { Test = ["NONE"] };
        }

        if (settings.HealthCmd is not { Length: > 0 } command)
        {
            return null;
        }

        return new HealthcheckConfig
        {
            Test = ["CMD-SHELL", command],
            Interval = settings.HealthInterval ?? TimeSpan.Zero,
            Timeout = settings.HealthTimeout ?? TimeSpan.Zero,
            StartPeriod = settings.HealthStartPeriod ?? TimeSpan.Zero,
            Retries = settings.HealthRetries ?? 0,
        };
    }

    /// <summary><c>name=soft[:hard]</c>, as <c>--ulimit</c> writes it; the options parser has checked the form.</summary>
    public static Ulimit Ulimit(string text)
    {
        var (name, limits) = (text[..text.IndexOf('=', StringComparison.Ordinal)], text[(text.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var parts = limits.Split(':');
        var soft = long.Parse(parts[0], CultureInfo.InvariantCulture);
        return new Ulimit { Name = name, Soft = soft, Hard = parts.Length > 1 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : soft };
    }

    public static bool IsUlimit(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && text[(equals + 1)..].Split(':') is { Length: 1 or 2 } parts
            && parts.All(part => long.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
    }

    /// <summary><c>[ip:][hostPort:]containerPort[/proto]</c> entries of a service's <c>ports</c>.</summary>
    public static (IDictionary<string, EmptyStruct>? Exposed, IDictionary<string, IList<PortBinding>>? Bindings) Ports(IReadOnlyList<string> ports)
    {
        if (ports.Count == 0)
        {
            return (null, null);
        }

        var exposed = new Dictionary<string, EmptyStruct>(StringComparer.Ordinal);
        var bindings = new Dictionary<string, IList<PortBinding>>(StringComparer.Ordinal);
        foreach (var port in ports)
        {
            var parts = port.Split(':');
            var container = parts[^1].Contains('/', StringComparison.Ordinal) ? parts[^1] : parts[^1] + "/tcp";
            exposed[container] = default;
            var binding = new PortBinding
            {
                HostPort = parts.Length >= 2 ? parts[^2] : "",
                HostIP = parts.Length >= 3 ? string.Join(':', parts[..^2]) : "",
            };
            if (!bindings.TryGetValue(container, out var list))
            {
                bindings[container] = list = [];
            }

            list.Add(binding);
        }

        return (exposed, bindings);
    }
}
