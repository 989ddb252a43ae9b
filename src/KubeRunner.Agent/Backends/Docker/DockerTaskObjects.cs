using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// What one task creates in Docker: its network (unless it joins a named one), the workspace and
/// <c>/var/run/act</c> volumes, its service containers and its job container, named
/// <c>kube-runner-&lt;task&gt;-&lt;random&gt;[-suffix]</c> and labelled with the runner's uuid and the task id,
/// so that only objects of this runner are ever removed. <see cref="RemoveAsync"/> is safe on every path.
/// </summary>
internal sealed class DockerTaskObjects(IDockerClient client, string runnerUuid, long taskId, AgentReach agent, ILogger logger) : IDisposable
{
    public const string RunnerLabel = "kube-runner.runner";
    public const string TaskLabel = "kube-runner.task";

    private static readonly TimeSpan RemoveBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WaitRetry = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _waitStop = new();
    private readonly List<string> _volumes = [];
    private readonly List<(string ServiceId, string ContainerId)> _services = [];

    public string Name { get; } = string.Create(CultureInfo.InvariantCulture, $"kube-runner-{taskId}-{Guid.NewGuid():N}")[..32];

    public string? NetworkId { get; private set; }

    public string? ContainerId { get; private set; }

    /// <summary>The network the task's containers join: its own, or the one the configuration or the workflow names.</summary>
    public string NetworkName { get; private set; } = "";

    /// <summary>The named volumes of the workspace and of <c>/var/run/act</c>, once created.</summary>
    public string WorkspaceVolume => $"{Name}-workspace";

    public string ActVolume => $"{Name}-act";

    public Dictionary<string, string> Labels => new(StringComparer.Ordinal)
    {
        [RunnerLabel] = runnerUuid,
        [TaskLabel] = taskId.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Creates the task's own network, or only notes <paramref name="named"/> when it is not empty.</summary>
    public async Task CreateNetworkAsync(string named, CancellationToken cancellationToken)
    {
        if (named.Length > 0)
        {
            NetworkName = named;
            return;
        }

        NetworkName = Name;
        var created = await client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = Name,
            Labels = Labels,
        }, cancellationToken);
        NetworkId = created.ID;
        await agent.JoinAsync(client, created.ID, cancellationToken);
    }

    /// <summary>Creates the task's two named volumes, labelled like everything else of the task.</summary>
    public async Task CreateVolumesAsync(CancellationToken cancellationToken)
    {
        foreach (var name in (string[])[WorkspaceVolume, ActVolume])
        {
            await client.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Labels = Labels }, cancellationToken);
            lock (_volumes)
            {
                _volumes.Add(name);
            }
        }
    }

    /// <summary>Creates the job container (not started).</summary>
    public async Task CreateContainerAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        // What the executor needs to reach the agent (an /etc/hosts entry in host-gateway mode).
        parameters.HostConfig ??= new HostConfig();
        parameters.HostConfig.ExtraHosts = [.. parameters.HostConfig.ExtraHosts ?? [], .. agent.ExtraHosts];
        var created = await client.Containers.CreateContainerAsync(parameters, cancellationToken);
        ContainerId = created.ID;
    }

    /// <summary>Creates and starts a service container; safe to call for several services at once.</summary>
    public async Task<string> StartServiceAsync(string serviceId, CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        var created = await client.Containers.CreateContainerAsync(parameters, cancellationToken);
        lock (_services)
        {
            _services.Add((serviceId, created.ID));
        }

        await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        return created.ID;
    }

    /// <summary>The job container's mounts: what it needs to reach the agent (see <see cref="AgentReach"/>) and the task's volumes.</summary>
    public IEnumerable<string> JobBinds(string workspaceParent, string actDirectory) =>
    [
        .. agent.Binds,
        $"{WorkspaceVolume}:{workspaceParent}",
        $"{ActVolume}:{actDirectory}",
    ];

    public async Task UploadAsync(Stream archive, CancellationToken cancellationToken) =>
        await client.Containers.ExtractArchiveToContainerAsync(ContainerId!, new CopyToContainerParameters { Path = "/" }, archive, cancellationToken);

    public async Task StartAsync(CancellationToken cancellationToken) =>
        await client.Containers.StartContainerAsync(ContainerId!, new ContainerStartParameters(), cancellationToken);

    /// <summary>The container's exit code once it has stopped; ends (cancelled) when the container is removed.</summary>
    public async Task<int> WaitAsync()
    {
        while (true)
        {
            try
            {
                var response = await client.Containers.WaitContainerAsync(ContainerId!, _waitStop.Token);
                return (int)response.StatusCode;
            }
            catch (Exception e) when (DockerBackend.IsDockerFailure(e) && e is not DockerContainerNotFoundException)
            {
                // A dropped connection to the daemon says nothing about the container: ask again.
                await Task.Delay(WaitRetry, _waitStop.Token);
            }
        }
    }

    /// <summary>The last lines the executor wrote (its own diagnostics; the job's output goes over gRPC), or empty.</summary>
    public Task<string> LogTailAsync() => DockerContainerLogs.TailAsync(client, ContainerId!, 20);

    /// <summary>Removes the containers (killing them if they still run), the volumes and the network; logs failures, never throws.</summary>
    public async Task RemoveAsync()
    {
        await _waitStop.CancelAsync();
        using var bound = new CancellationTokenSource(RemoveBound);
        if (ContainerId is { } container)
        {
            await TryAsync("container", container, () => client.Containers.RemoveContainerAsync(container,
                new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, bound.Token));
        }

        (string, string)[] services;
        lock (_services)
        {
            services = [.. _services];
        }

        await Task.WhenAll(services.Select(service => TryAsync("service container", service.Item2, () => client.Containers.RemoveContainerAsync(service.Item2,
            new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, bound.Token))));

        string[] volumes;
        lock (_volumes)
        {
            volumes = [.. _volumes];
        }

        if (volumes.Length > 0)
        {
            // A Docker action's container may still be on its way out after a cancel, and a volume in use cannot be removed.
            await TryAsync("containers of task", taskId.ToString(CultureInfo.InvariantCulture),
                () => DockerLeftovers.RemoveContainersOfTaskAsync(client, runnerUuid, taskId, logger, bound.Token));
        }

        foreach (var volume in volumes)
        {
            await TryAsync("volume", volume, () => client.Volumes.RemoveAsync(volume, force: true, bound.Token));
        }

        if (NetworkId is { } network)
        {
            await TryAsync("agent's network connection", network, () => agent.LeaveAsync(client, network, bound.Token));
            await TryAsync("network", network, () => client.Networks.DeleteNetworkAsync(network, bound.Token));
        }

        Dispose();
    }

    /// <summary>Releases the wait; <see cref="RemoveAsync"/> does it too. Removes nothing from Docker.</summary>
    public void Dispose() => _waitStop.Dispose();

    private async Task TryAsync(string kind, string id, Func<Task> remove)
    {
        try
        {
            await remove();
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (Exception e) when (DockerBackend.IsDockerFailure(e))
        {
            DockerLog.RemoveFailed(logger, taskId, kind, id, e);
        }
    }
}
