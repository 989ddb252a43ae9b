using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// Finds what tasks of this runner left in Docker by the labels every task object carries
/// (<see cref="DockerTaskObjects.RunnerLabel"/>, <see cref="DockerTaskObjects.TaskLabel"/>) and removes
/// it: containers first (with their anonymous volumes), then the networks and volumes they used. The
/// runner's uuid is always part of the filter, so objects of other runners and of anything else on
/// the daemon are never touched.
/// </summary>
internal static class DockerLeftovers
{
    /// <summary>Removes every object of this runner whose task is not one of <paramref name="keep"/>.</summary>
    public static Task SweepAsync(IDockerClient client, string runnerUuid, IReadOnlySet<long> keep, ILogger logger, CancellationToken cancellationToken) =>
        RemoveAsync(client, [Label(DockerTaskObjects.RunnerLabel, runnerUuid)], task => task is not { } id || !keep.Contains(id), logger, cancellationToken);

    /// <summary>Removes every object of one task of this runner.</summary>
    public static Task RemoveTaskAsync(IDockerClient client, string runnerUuid, long taskId, ILogger logger, CancellationToken cancellationToken) =>
        RemoveAsync(client, [Label(DockerTaskObjects.RunnerLabel, runnerUuid), Label(DockerTaskObjects.TaskLabel, taskId.ToString(CultureInfo.InvariantCulture))],
            _ => true, logger, cancellationToken);

    /// <summary>Removes the containers of one task of this runner that are still there (e.g. a Docker action's), so that its volumes can go.</summary>
    public static Task RemoveContainersOfTaskAsync(IDockerClient client, string runnerUuid, long taskId, ILogger logger, CancellationToken cancellationToken) =>
        RemoveAsync(client, [Label(DockerTaskObjects.RunnerLabel, runnerUuid), Label(DockerTaskObjects.TaskLabel, taskId.ToString(CultureInfo.InvariantCulture))],
            _ => true, logger, cancellationToken, containersOnly: true);

    /// <param name="labels">Label filters that all must match.</param>
    /// <param name="remove">Whether to remove an object of a task (null: the object names no task id).</param>
    /// <param name="containersOnly">Leave the networks and volumes.</param>
    private static async Task RemoveAsync(IDockerClient client, string[] labels, Func<long?, bool> remove, ILogger logger, CancellationToken cancellationToken,
        bool containersOnly = false)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
        {
            ["label"] = labels.ToDictionary(l => l, _ => true, StringComparer.Ordinal),
        };

        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filters }, cancellationToken);
        foreach (var container in containers.Where(c => remove(TaskOf(c.Labels))))
        {
            await TryAsync("container", container.ID, TaskOf(container.Labels), logger, () => client.Containers.RemoveContainerAsync(container.ID,
                new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken));
        }

        if (containersOnly)
        {
            return;
        }

        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filters }, cancellationToken);
        foreach (var network in networks.Where(n => remove(TaskOf(n.Labels))))
        {
            await TryAsync("network", network.ID, TaskOf(network.Labels), logger, () => DeleteNetworkAsync(client, network.ID, cancellationToken));
        }

        var volumes = await client.Volumes.ListAsync(new VolumesListParameters { Filters = filters }, cancellationToken);
        foreach (var volume in (volumes.Volumes ?? []).Where(v => remove(TaskOf(v.Labels))))
        {
            await TryAsync("volume", volume.Name, TaskOf(volume.Labels), logger, () => client.Volumes.RemoveAsync(volume.Name, force: true, cancellationToken));
        }
    }

    /// <summary>The networks of one task of this runner, e.g. for an agent in a container to join again after its restart.</summary>
    public static async Task<List<string>> NetworksOfTaskAsync(IDockerClient client, string runnerUuid, long taskId, CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
        {
            ["label"] = new Dictionary<string, bool>(StringComparer.Ordinal)
            {
                [Label(DockerTaskObjects.RunnerLabel, runnerUuid)] = true,
                [Label(DockerTaskObjects.TaskLabel, taskId.ToString(CultureInfo.InvariantCulture))] = true,
            },
        };
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filters }, cancellationToken);
        return [.. networks.Select(n => n.ID)];
    }

    /// <summary>
    /// A network with a container attached cannot be removed; the task's containers are gone by now, but an
    /// agent in a container of its own (<c>docker.agent: container:NAME</c>) joins every task network.
    /// </summary>
    private static async Task DeleteNetworkAsync(IDockerClient client, string id, CancellationToken cancellationToken)
    {
        var network = await client.Networks.InspectNetworkAsync(id, cancellationToken);
        foreach (var attached in network.Containers?.Keys ?? [])
        {
            await client.Networks.DisconnectNetworkAsync(id, new NetworkDisconnectParameters { Container = attached, Force = true }, cancellationToken);
        }

        await client.Networks.DeleteNetworkAsync(id, cancellationToken);
    }

    private static string Label(string key, string value) => $"{key}={value}";

    private static long? TaskOf(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(DockerTaskObjects.TaskLabel, out var value)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static async Task TryAsync(string kind, string id, long? task, ILogger logger, Func<Task> remove)
    {
        try
        {
            await remove();
            DockerLog.LeftoverRemoved(logger, kind, id, task?.ToString(CultureInfo.InvariantCulture) ?? "(none)");
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Removed in the meantime (a network goes with nothing, but a container may have been auto-removed).
        }
        catch (Exception e) when (DockerBackend.IsDockerFailure(e))
        {
            DockerLog.LeftoverRemoveFailed(logger, kind, id, e);
        }
    }
}
