using k8s.Models;
using KubeRunner.Testing.Docker;

namespace KubeRunner.Testing.FakeKubernetes.Docker;

/// <summary>
/// One pod played by the kubelet: a sandbox container holding the pod's network (every container joins
/// it and so shares localhost), its volumes, init containers one by one (native sidecars started and
/// left running), then the containers; each state change reported as it happens.
/// </summary>
internal sealed class DockerPod(DockerPodRunner runner, FakeKubeApiServer server, V1Pod pod, CancellationToken token) : IAsyncDisposable
{
    /// <summary>A SIGTERM-deaf sidecar (e.g. a shell as PID 1) would otherwise hold the pod for the full grace period.</summary>
    private const int MaxStopSeconds = 5;

    private readonly PodStatusReporter _status = new(server, pod);
    private readonly List<DockerLogStream> _logs = [];
    private readonly List<(V1Container Container, string Id, DockerLogStream Log)> _sidecars = [];
    private IReadOnlyDictionary<string, string> _volumes = new Dictionary<string, string>();
    private string _sandbox = "";
    private string? _podIp;

    private string Ns => pod.Metadata.NamespaceProperty;

    private string Name => pod.Metadata.Name;

    private IReadOnlyList<string> Labels => runner.LabelsOf(pod);

    /// <summary>Runs the pod until it settles or stays Pending; never throws.</summary>
    public async Task RunAsync()
    {
        try
        {
            await RunCoreAsync();
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // The pod was deleted (or the runner disposed) under it: its containers are being removed.
        }
        catch (PodNotSupportedException e)
        {
            _status.Failed("DockerPodRunnerUnsupported", e.Message);
        }
        catch (Exception e)
        {
            _status.Failed("DockerPodRunnerError", $"the Docker pod runner could not run the pod: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<DockerLogStream> logs;
        lock (_logs)
        {
            logs = [.. _logs];
        }

        foreach (var log in logs)
        {
            await log.DisposeAsync();
        }
    }

    private async Task RunCoreAsync()
    {
        if (!_status.Scheduled())
        {
            return;
        }

        try
        {
            _volumes = await PodVolumes.CreateAsync(server.Store, pod, runner.SandboxImage, Labels);
        }
        catch (VolumeMountException e)
        {
            // The kubelet keeps retrying the mount: the pod stays Pending, its containers ContainerCreating.
            Event("FailedMount", e.Message);
            return;
        }

        token.ThrowIfCancellationRequested();
        await StartSandboxAsync();
        foreach (var init in pod.Spec.InitContainers ?? [])
        {
            if (await CreateAsync(init, init: true) is not { } id)
            {
                return;
            }

            var (log, failedStart) = await StartAsync(init, init: true, id);
            if (init.RestartPolicy == "Always" && failedStart is null)
            {
                _sidecars.Add((init, id, log));
                continue;
            }

            var state = failedStart ?? await WaitAsync(id, log);
            if (state.ExitCode != 0)
            {
                _status.InitFailed(init, state, await StopSidecarsAsync());
                return;
            }

            _status.Terminated([(init, true, state)], null);
        }

        if (pod.Spec.InitContainers is { Count: > 0 })
        {
            _status.Initialized();
        }

        await RunContainersAsync();
    }

    private async Task RunContainersAsync()
    {
        var created = new List<(V1Container Container, string Id)>();
        foreach (var container in pod.Spec.Containers)
        {
            if (await CreateAsync(container, init: false) is not { } id)
            {
                return;
            }

            created.Add((container, id));
        }

        var started = new List<(V1Container Container, string Id, DockerLogStream Log, DockerContainerState? FailedStart)>();
        foreach (var (container, id) in created)
        {
            var (log, failedStart) = await StartAsync(container, init: false, id);
            started.Add((container, id, log, failedStart));
        }

        _status.PodRunning();
        var states = new DockerContainerState[started.Count];
        var running = started.Count;
        await Task.WhenAll(started.Select(async (entry, index) =>
        {
            states[index] = entry.FailedStart ?? await WaitAsync(entry.Id, entry.Log);
            if (Interlocked.Decrement(ref running) > 0)
            {
                _status.Terminated([(entry.Container, false, states[index])], null);
                return;
            }

            // The last container ended: sidecars are stopped, and one update settles the pod.
            var sidecars = await StopSidecarsAsync();
            var phase = states.All(s => s.ExitCode == 0) ? "Succeeded" : "Failed";
            _status.Terminated([(entry.Container, false, states[index]), .. sidecars.Select(s => (s.Container, true, s.State))], phase);
        }));
    }

    private async Task StartSandboxAsync()
    {
        List<string> args = ["run", "--detach", .. Labels, "--label", $"{DockerPodRunner.ContainerLabel}=POD", "--hostname", Hostname()];
        foreach (var alias in pod.Spec.HostAliases ?? [])
        {
            foreach (var host in alias.Hostnames ?? [])
            {
                args.AddRange(["--add-host", $"{host}:{alias.Ip}"]);
            }
        }

        args.AddRange([runner.SandboxImage, "/bin/sleep", "2147483647"]);
        _sandbox = (await DockerCli.RunCheckedAsync([.. args])).Trim();
        _podIp = (await DockerCli.RunCheckedAsync("inspect", "--format", "{{.NetworkSettings.IPAddress}}", _sandbox)).Trim();
        _status.PodIp(_podIp);
    }

    private string Hostname()
    {
        var name = pod.Spec.Hostname ?? Name;
        return name.Length > 63 ? name[..63] : name;
    }

    /// <summary>Creates the container, or reports why it waits (image missing, configuration error) and answers null.</summary>
    private async Task<string?> CreateAsync(V1Container container, bool init)
    {
        token.ThrowIfCancellationRequested();
        if (!await runner.ImageExistsAsync(container.Image))
        {
            var message = $"Failed to pull image \"{container.Image}\": the image is not present on this machine and the Docker pod runner never pulls";
            _status.Waiting(container, init, "ErrImagePull", message);
            Event("Failed", message);
            _status.Waiting(container, init, "ImagePullBackOff", $"Back-off pulling image \"{container.Image}\"");
            Event("BackOff", $"Back-off pulling image \"{container.Image}\"");
            return null;
        }

        Dictionary<string, string> env;
        try
        {
            env = PodEnvironment.Resolve(server.Store, pod, container, _podIp);
        }
        catch (ContainerConfigException e)
        {
            _status.Waiting(container, init, "CreateContainerConfigError", e.Message);
            Event("Failed", "Error: " + e.Message);
            return null;
        }

        var args = DockerContainerArgs.Create(pod, container, Labels, _sandbox, _volumes, env);
        return (await DockerCli.RunCheckedAsync([.. args])).Trim();
    }

    /// <summary>Starts the container and follows its log; a start Docker refuses (e.g. no such executable) ends it with StartError.</summary>
    private async Task<(DockerLogStream Log, DockerContainerState? FailedStart)> StartAsync(V1Container container, bool init, string id)
    {
        token.ThrowIfCancellationRequested();
        var start = await DockerCli.RunAsync("start", id);
        var log = DockerLogStream.Start(id, text => server.AppendPodLog(Ns, Name, container.Name, text));
        lock (_logs)
        {
            _logs.Add(log);
        }

        if (start.ExitCode != 0)
        {
            token.ThrowIfCancellationRequested();
            var state = await DockerContainerState.InspectAsync(id);
            var error = state.Error is { Length: > 0 } stateError ? stateError : start.Stderr.Trim();
            return (log, state with { ExitCode = state.ExitCode == 0 ? 128 : state.ExitCode, Reason = "StartError", Error = error });
        }

        _status.Running(container, init, id);
        return (log, null);
    }

    private async Task<DockerContainerState> WaitAsync(string id, DockerLogStream log)
    {
        // Unbounded: a job may run as long as it likes; removing the container (pod deleted) ends the wait.
        await HostCommand.RunAsync("docker", ["wait", id], Timeout.InfiniteTimeSpan);
        token.ThrowIfCancellationRequested();
        // The container has stopped, so `docker logs --follow` ends once it has handed over the rest.
        await log.DrainAsync(TestTimeouts.Default);
        return await DockerContainerState.InspectAsync(id);
    }

    private async Task<List<(V1Container Container, DockerContainerState State)>> StopSidecarsAsync()
    {
        var grace = (int)Math.Min(pod.Spec.TerminationGracePeriodSeconds ?? 30, MaxStopSeconds);
        return [.. await Task.WhenAll(_sidecars.Select(async sidecar =>
        {
            await DockerCli.RunAsync("stop", "--time", grace.ToString(System.Globalization.CultureInfo.InvariantCulture), sidecar.Id);
            return (sidecar.Container, await WaitAsync(sidecar.Id, sidecar.Log));
        }))];
    }

    private void Event(string reason, string message)
    {
        try
        {
            server.AddEvent(Ns, "Pod", Name, reason, message, "Warning");
        }
        catch (KubeApiException)
        {
            // Events are best effort, as in Kubernetes.
        }
    }
}
