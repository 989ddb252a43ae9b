using Docker.DotNet;
using Docker.DotNet.Models;
using KubeRunner.Agent.Backends.Docker.Spec;

namespace KubeRunner.Agent.Backends.Docker.Services;

/// <summary>One service to run: its evaluated spec, its image and its create request.</summary>
internal sealed record ServiceContainer(WorkflowContainer Spec, string Image, CreateContainerParameters Parameters)
{
    public string Id => Spec.ServiceId!;
}

/// <summary>
/// Starts a task's service containers in parallel and waits until each is ready: healthy when its
/// image or options give it a health check, else running. A service that exits or turns unhealthy
/// fails the task with its id, image and last log lines; so does one that is not ready in time.
/// </summary>
internal sealed class ServiceContainers(IDockerClient client, DockerTaskObjects objects, Action<string> log, TimeProvider time)
{
    /// <summary>How long services may take to become ready; databases that initialise on first start need minutes.</summary>
    public static readonly TimeSpan ReadyBound = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<string, string> _containers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ready = new(StringComparer.Ordinal);

    /// <summary>Creates and starts every service; Docker failures propagate (the caller removes what was created).</summary>
    public async Task StartAsync(IReadOnlyList<ServiceContainer> services, CancellationToken cancellationToken)
    {
        var started = await Task.WhenAll(services.Select(async service =>
        {
            log($"Starting service {service.Id} ({service.Image})…");
            return (service.Id, await objects.StartServiceAsync(service.Id, service.Parameters, cancellationToken));
        }));
        foreach (var (id, container) in started)
        {
            _containers[id] = container;
        }
    }

    /// <returns>Null when every service is ready, else the task's closing message.</returns>
    public async Task<string?> WaitReadyAsync(IReadOnlyList<ServiceContainer> services, TimeSpan bound, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(bound, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var waits = services.Select(service => WaitOneAsync(service, linked.Token)).ToList();
            while (waits.Count > 0)
            {
                var done = await Task.WhenAny(waits);
                waits.Remove(done);
                if (await done is { } problem)
                {
                    // The first failure decides; the other waits stop with the cancel.
                    await linked.CancelAsync();
                    return problem;
                }
            }

            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            List<ServiceContainer> pending;
            lock (_ready)
            {
                pending = [.. services.Where(service => !_ready.Contains(service.Id))];
            }

            return $"Service {string.Join(", ", pending.Select(service => $"{service.Id} ({service.Image})"))} did not become healthy within {Configuration.GoDuration.Format(bound)}.";
        }
    }

    private async Task<string?> WaitOneAsync(ServiceContainer service, CancellationToken cancellationToken)
    {
        var container = _containers[service.Id];
        while (true)
        {
            if ((await client.Containers.InspectContainerAsync(container, cancellationToken)).State is not { } state)
            {
                await Task.Delay(PollInterval, time, cancellationToken);
                continue;
            }

            var health = state.Health?.Status;
            if (!state.Running && state.Status is "exited" or "dead")
            {
                return await FailureAsync(service, container, $"exited with code {state.ExitCode}");
            }

            if (health == "unhealthy")
            {
                return await FailureAsync(service, container, "is unhealthy");
            }

            if (state.Running && health is null or "" or "none" or "healthy")
            {
                lock (_ready)
                {
                    _ready.Add(service.Id);
                }

                log(health == "healthy" ? $"Service {service.Id} is healthy" : $"Service {service.Id} is running (it has no health check)");
                return null;
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private async Task<string> FailureAsync(ServiceContainer service, string container, string what)
    {
        var tail = await DockerContainerLogs.TailAsync(client, container, 10);
        var lines = tail.Length > 0 ? $" Its last output: {string.Join(" | ", tail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}" : "";
        return $"Service {service.Id} ({service.Image}) {what}.{lines}";
    }
}
