using System.Globalization;
using k8s.Models;

namespace KubeRunner.Testing.FakeKubernetes.Docker;

/// <summary>
/// The <c>docker create</c> arguments for one container of a pod: joined to the pod's sandbox network,
/// its volume mounts, environment, user, working directory, CPU and memory limits, and Kubernetes'
/// command/args semantics (command replaces the entrypoint, args replace the image's cmd).
/// </summary>
internal static class DockerContainerArgs
{
    public static List<string> Create(
        V1Pod pod, V1Container container, IReadOnlyList<string> labels, string sandbox,
        IReadOnlyDictionary<string, string> volumes, IReadOnlyDictionary<string, string> env)
    {
        List<string> args = ["create", .. labels, "--label", $"{DockerPodRunner.ContainerLabel}={container.Name}", "--network", $"container:{sandbox}"];
        AddUser(args, pod.Spec.SecurityContext, container.SecurityContext);
        if (container.WorkingDir is { Length: > 0 } workingDir)
        {
            args.AddRange(["--workdir", workingDir]);
        }

        AddLimits(args, container);
        foreach (var (name, value) in env)
        {
            args.AddRange(["--env", $"{name}={value}"]);
        }

        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (mount.SubPath is { Length: > 0 } || mount.SubPathExpr is { Length: > 0 })
            {
                throw new PodNotSupportedException($"container {container.Name}: volumeMount subPath is not supported by the Docker pod runner");
            }

            if (!volumes.TryGetValue(mount.Name, out var volume))
            {
                throw new PodNotSupportedException($"container {container.Name}: volumeMount {mount.Name} names no volume of the pod");
            }

            // Secret volumes are always read-only, whatever the mount says.
            var readOnly = mount.ReadOnlyProperty == true || pod.Spec.Volumes!.First(v => v.Name == mount.Name).Secret is not null;
            // nocopy: Docker would otherwise give an empty volume the mode of the image's directory (or of
            // the working directory it creates, 0755 root), where Kubernetes' emptyDir is always 0777.
            args.AddRange(["--volume", $"{volume}:{mount.MountPath}:{(readOnly ? "ro," : "")}nocopy"]);
        }

        var command = (container.Command ?? []).Select(c => PodEnvironment.Expand(c, env)).ToList();
        var commandArgs = (container.Args ?? []).Select(a => PodEnvironment.Expand(a, env)).ToList();
        if (command.Count > 0)
        {
            // --entrypoint also drops the image's cmd, as a Kubernetes command without args does.
            args.AddRange(["--entrypoint", command[0]]);
        }

        args.Add(container.Image);
        args.AddRange(command.Skip(1));
        args.AddRange(commandArgs);
        return args;
    }

    private static void AddUser(List<string> args, V1PodSecurityContext? podContext, V1SecurityContext? context)
    {
        var user = context?.RunAsUser ?? podContext?.RunAsUser;
        var group = context?.RunAsGroup ?? podContext?.RunAsGroup;
        if (user is not null)
        {
            args.AddRange(["--user", group is null ? $"{user}" : $"{user}:{group}"]);
        }
        else if (group is not null)
        {
            throw new PodNotSupportedException("runAsGroup without runAsUser is not supported by the Docker pod runner");
        }

        if (context?.ReadOnlyRootFilesystem == true)
        {
            args.Add("--read-only");
        }

        if (context?.Privileged == true)
        {
            args.Add("--privileged");
        }
    }

    private static void AddLimits(List<string> args, V1Container container)
    {
        var limits = container.Resources?.Limits;
        if (limits is null)
        {
            return;
        }

        if (limits.TryGetValue("cpu", out var cpu))
        {
            // Docker refuses more CPUs than the machine has; a 16-CPU profile still runs on a test machine.
            var cpus = Math.Min(cpu.ToDecimal(), Environment.ProcessorCount);
            args.AddRange(["--cpus", cpus.ToString("0.###", CultureInfo.InvariantCulture)]);
        }

        if (limits.TryGetValue("memory", out var memory))
        {
            // Swap equal to the limit means no swap at all: the container is OOM-killed at the limit, as in a pod.
            var bytes = decimal.ToInt64(decimal.Ceiling(memory.ToDecimal())).ToString(CultureInfo.InvariantCulture);
            args.AddRange(["--memory", bytes, "--memory-swap", bytes]);
        }
    }
}
