using System.Collections.Concurrent;
using System.Security.Cryptography;
using k8s.Models;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Testing.FakeKubernetes.Docker;

/// <summary>
/// Plays the kubelet for the fake API server: every pod it creates runs for real in Docker (see
/// <see cref="DockerPod"/>), and a deleted pod's containers and volumes are removed at once. Each
/// Docker object carries <see cref="DockerCli.TestLabel"/>, this runner's <see cref="InstanceLabel"/>
/// and its pod's uid, and disposing the runner removes everything with its label.
/// </summary>
/// <remarks>Images are never pulled: a pod's images must exist locally (see <see cref="TestImages"/> and <see cref="ExecutorImage"/>).</remarks>
public sealed class DockerPodRunner : IPodRunner, IAsyncDisposable
{
    public const string RunnerLabel = "kube-runner.pod-runner";
    public const string PodUidLabel = "kube-runner.pod-uid";
    public const string ContainerLabel = "kube-runner.pod-container";

    /// <summary>The node every pod runs on, as <c>spec.nodeName</c> would name it.</summary>
    internal const string NodeName = "docker";

    private readonly ConcurrentDictionary<string, (DockerPod Pod, Task Run, CancellationTokenSource Cancel)> _pods = new();
    private readonly ConcurrentDictionary<string, bool> _presentImages = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();

    private DockerPodRunner(string sandboxImage)
    {
        SandboxImage = sandboxImage;
        InstanceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    }

    /// <summary>Distinguishes this runner's Docker objects from those of other tests running at the same time.</summary>
    public string InstanceId { get; }

    /// <summary><c>key=value</c> of the label on every container and volume of this runner, for <c>--filter label=…</c>.</summary>
    public string InstanceLabel => $"{RunnerLabel}={InstanceId}";

    /// <summary>The image of each pod's sandbox (and volume helper) container: the busybox test image.</summary>
    internal string SandboxImage { get; }

    /// <summary>Makes sure Docker answers and the sandbox image exists, then returns a runner for <see cref="FakeKubeOptions.PodRunner"/>.</summary>
    public static async Task<DockerPodRunner> StartAsync()
    {
        await DockerDaemon.EnsureAsync();
        return new DockerPodRunner(await TestImages.EnsureAsync(TestImage.Busybox));
    }

    /// <summary><c>key=value</c> of the label on every container and volume of the pod with this uid.</summary>
    public static string PodLabel(string podUid) => $"{PodUidLabel}={podUid}";

    /// <summary>The ids of the Docker containers (sandbox included) that carry <paramref name="label"/>, running or not.</summary>
    public static async Task<IReadOnlyList<string>> ContainersAsync(string label) =>
        Lines(await DockerCli.RunCheckedAsync("ps", "--all", "--quiet", "--no-trunc", "--filter", $"label={label}"));

    /// <summary>The names of the Docker volumes that carry <paramref name="label"/>.</summary>
    public static async Task<IReadOnlyList<string>> VolumesAsync(string label) =>
        Lines(await DockerCli.RunCheckedAsync("volume", "ls", "--quiet", "--filter", $"label={label}"));

    public Task PodCreatedAsync(FakeKubeApiServer server, V1Pod pod, CancellationToken cancellationToken)
    {
        if (_disposed.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var dockerPod = new DockerPod(this, server, pod, cancel.Token);
        // Registered before it runs, so that a delete arriving at once finds it.
        var run = new TaskCompletionSource();
        _pods[pod.Metadata.Uid] = (dockerPod, run.Task, cancel);
        _ = Task.Run(async () =>
        {
            await dockerPod.RunAsync();
            run.SetResult();
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task PodDeletedAsync(FakeKubeApiServer server, V1Pod pod, CancellationToken cancellationToken)
    {
        var label = PodLabel(pod.Metadata.Uid);
        try
        {
            if (!_pods.TryRemove(pod.Metadata.Uid, out var entry))
            {
                await RemoveAsync(label);
                return;
            }

            await entry.Cancel.CancelAsync();
            await RemoveAsync(label);
            // The pod may have been creating a container while the first removal ran.
            await entry.Run.WaitAsync(TestTimeouts.Default, CancellationToken.None);
            await entry.Pod.DisposeAsync();
            await RemoveAsync(label);
            entry.Cancel.Dispose();
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Called without anyone awaiting it: whatever is left goes when the runner is disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        await RemoveAsync(InstanceLabel);
        foreach (var (_, (pod, run, cancel)) in _pods)
        {
            try
            {
                await run.WaitAsync(TestTimeouts.Default, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // A pod stuck in a Docker call: the sweep below still removes its containers.
            }

            await pod.DisposeAsync();
            cancel.Dispose();
        }

        _pods.Clear();
        await RemoveAsync(InstanceLabel);
    }

    internal async Task<bool> ImageExistsAsync(string image)
    {
        if (_presentImages.ContainsKey(image))
        {
            return true;
        }

        // Only a present image is remembered: a test may build a missing one later.
        var exists = await DockerCli.ImageExistsAsync(image);
        if (exists)
        {
            _presentImages[image] = true;
        }

        return exists;
    }

    /// <summary>The <c>--label</c> arguments of every Docker object of <paramref name="pod"/>.</summary>
    internal IReadOnlyList<string> LabelsOf(V1Pod pod) =>
        ["--label", DockerCli.TestLabel, "--label", InstanceLabel, "--label", PodLabel(pod.Metadata.Uid)];

    /// <summary>Removes the containers, then the volumes (which a container still using them would pin) with this label.</summary>
    private static async Task RemoveAsync(string label)
    {
        var containers = await ContainersAsync(label);
        if (containers.Count > 0)
        {
            await DockerCli.RunAsync(["rm", "--force", "--volumes", .. containers]);
        }

        var volumes = await VolumesAsync(label);
        if (volumes.Count > 0)
        {
            await DockerCli.RunAsync(["volume", "rm", "--force", .. volumes]);
        }
    }

    private static List<string> Lines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
