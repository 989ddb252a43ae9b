using k8s.Models;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Testing.FakeKubernetes.Docker;

/// <summary>A secret volume cannot be set up (Secret or key missing): the pod stays Pending as with FailedMount.</summary>
internal sealed class VolumeMountException(string message) : Exception(message);

/// <summary>
/// The pod's volumes as Docker volumes, one per pod volume, labelled so that they go with the pod:
/// <c>emptyDir</c> made world-writable as the kubelet makes it, <c>secret</c> filled with the Secret's
/// keys (items key→path, defaultMode and per-item mode) before any container starts. One short-lived
/// helper container does both, so that a pod costs the same few Docker calls whatever it mounts.
/// </summary>
internal static class PodVolumes
{
    private const int DefaultSecretMode = 420; // 0644, the API's default for secret volumes.

    /// <summary>Creates and fills the volumes; returns the Docker volume of each pod volume by name.</summary>
    public static async Task<Dictionary<string, string>> CreateAsync(KubeStore store, V1Pod pod, string helperImage, IReadOnlyList<string> labels)
    {
        var volumes = pod.Spec.Volumes ?? [];
        foreach (var volume in volumes.Where(v => v.EmptyDir is null && v.Secret is null))
        {
            throw new PodNotSupportedException($"volume {volume.Name}: only emptyDir and secret volumes are supported by the Docker pod runner");
        }

        // Read every Secret first: a missing one leaves the pod without any Docker object, as Pending.
        var secretFiles = volumes.Where(v => v.Secret is not null)
            .ToDictionary(v => v.Name, v => SecretFiles(store, pod.Metadata.NamespaceProperty, v.Name, v.Secret));
        var created = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in volumes)
        {
            created[volume.Name] = (await DockerCli.RunCheckedAsync(["volume", "create", .. labels])).Trim();
        }

        if (created.Count == 0)
        {
            return created;
        }

        List<string> args = ["create", .. labels];
        foreach (var (name, dockerVolume) in created)
        {
            args.AddRange(["--volume", $"{dockerVolume}:{HelperPath(name)}"]);
        }

        var emptyDirs = volumes.Where(v => v.EmptyDir is not null).Select(v => HelperPath(v.Name)).ToList();
        args.Add(helperImage);
        args.AddRange(emptyDirs.Count == 0 ? ["/bin/true"] : ["/bin/chmod", "0777", .. emptyDirs]);
        var helper = (await DockerCli.RunCheckedAsync([.. args])).Trim();
        try
        {
            foreach (var (name, files) in secretFiles)
            {
                await CopyAsync(helper, HelperPath(name), files);
            }

            await DockerCli.RunCheckedAsync("start", "--attach", helper);
        }
        finally
        {
            await DockerCli.RunAsync("rm", "--force", helper);
        }

        return created;
    }

    private static string HelperPath(string volume) => "/kr-volumes/" + volume;

    private static List<(string Path, byte[] Content, int Mode)> SecretFiles(KubeStore store, string ns, string volume, V1SecretVolumeSource source)
    {
        var secret = store.Get<V1Secret>(KubeResource.Secrets, ns, source.SecretName);
        if (secret is null)
        {
            return source.Optional == true ? [] : throw new VolumeMountException($"MountVolume.SetUp failed for volume \"{volume}\" : secret \"{source.SecretName}\" not found");
        }

        var data = PodEnvironment.SecretData(secret);
        var defaultMode = source.DefaultMode ?? DefaultSecretMode;
        if (source.Items is not { Count: > 0 } items)
        {
            return data.Select(pair => (pair.Key, pair.Value, defaultMode)).ToList();
        }

        var files = new List<(string, byte[], int)>();
        foreach (var item in items)
        {
            if (!data.TryGetValue(item.Key, out var content))
            {
                if (source.Optional == true)
                {
                    continue;
                }

                throw new VolumeMountException($"MountVolume.SetUp failed for volume \"{volume}\" : references non-existent secret key: {item.Key}");
            }

            files.Add((item.Path, content, item.Mode ?? defaultMode));
        }

        return files;
    }

    /// <summary>
    /// Writes the files with their modes into a private host directory and copies it in with <c>docker cp</c>,
    /// which keeps the modes and makes root the owner, as the kubelet does without fsGroup.
    /// </summary>
    private static async Task CopyAsync(string helper, string containerPath, List<(string Path, byte[] Content, int Mode)> files)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the Docker pod runner writes Unix file modes: Linux only");
        }

        var work = Directory.CreateTempSubdirectory("kube-runner-secret-");
        try
        {
            var root = Directory.CreateDirectory(Path.Combine(work.FullName, "volume"));
            // The volume's root takes this directory's mode: readable by the container's user.
            root.UnixFileMode = (UnixFileMode)Convert.ToInt32("755", 8);
            foreach (var (path, content, mode) in files)
            {
                var target = Path.GetFullPath(Path.Combine(root.FullName, path));
                if (!target.StartsWith(root.FullName + "/", StringComparison.Ordinal))
                {
                    throw new PodNotSupportedException($"secret item path {path} leaves its volume");
                }

                var dir = root.FullName;
                foreach (var part in (Path.GetDirectoryName(path) ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries))
                {
                    dir = Path.Combine(dir, part);
                    if (!Directory.Exists(dir))
                    {
                        Directory.CreateDirectory(dir).UnixFileMode = root.UnixFileMode;
                    }
                }

                await File.WriteAllBytesAsync(target, content);
                File.SetUnixFileMode(target, (UnixFileMode)mode);
            }

            await DockerCli.RunCheckedAsync("cp", root.FullName + "/.", $"{helper}:{containerPath}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
