using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// What one task creates in Docker: its network and its job container, named
/// <c>kube-runner-&lt;task&gt;-&lt;random&gt;</c> and labelled with the runner's uuid and the task id, so
/// that only objects of this runner are ever removed. <see cref="RemoveAsync"/> is safe on every path.
/// </summary>
internal sealed class DockerTaskObjects(IDockerClient client, string runnerUuid, long taskId, ILogger logger) : IDisposable
{
    public const string RunnerLabel = "kube-runner.runner";
    public const string TaskLabel = "kube-runner.task";

    /// <summary>Where the directory of the agent's socket is mounted in the job container.</summary>
    public const string AgentMount = "/__kube-runner-agent";

    private static readonly TimeSpan RemoveBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WaitRetry = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _waitStop = new();

    public string Name { get; } = string.Create(CultureInfo.InvariantCulture, $"kube-runner-{taskId}-{Guid.NewGuid():N}")[..32];

    public string? NetworkId { get; private set; }

    public string? ContainerId { get; private set; }

    public Dictionary<string, string> Labels => new(StringComparer.Ordinal)
    {
        [RunnerLabel] = runnerUuid,
        [TaskLabel] = taskId.ToString(CultureInfo.InvariantCulture),
    };

    public async Task CreateNetworkAsync(CancellationToken cancellationToken)
    {
        var created = await client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = Name,
            Labels = Labels,
        }, cancellationToken);
        NetworkId = created.ID;
    }

    /// <summary>
    /// Creates the job container (not started). The executor reaches the agent through the socket's
    /// directory, bind-mounted read-only: that needs the directory to be a path of the Docker host, i.e.
    /// the agent running on the machine of the daemon.
    /// </summary>
    public async Task CreateContainerAsync(string image, string socketPath, IList<string> env, string workingDirectory, CancellationToken cancellationToken)
    {
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = Name,
            Image = image,
            Entrypoint = [BundleArchive.Executable],
            Env = env,
            WorkingDir = workingDirectory,
            Labels = Labels,
            // Anonymous volumes (removed with the container): Docker actions' containers mount them too.
            Volumes = SharedVolumes.Paths.ToDictionary(path => path, _ => default(EmptyStruct), StringComparer.Ordinal),
            HostConfig = new HostConfig
            {
                NetworkMode = Name,
                Binds = [$"{Path.GetDirectoryName(socketPath)}:{AgentMount}:ro"],
            },
        }, cancellationToken);
        ContainerId = created.ID;
    }

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
    public async Task<string> LogTailAsync()
    {
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var stream = await client.Containers.GetContainerLogsAsync(ContainerId!,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = "20" }, bound.Token);
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(bound.Token);
            return $"{stdout}{stderr}".Trim();
        }
        catch (Exception e) when (DockerBackend.IsDockerFailure(e) || e is OperationCanceledException)
        {
            return "";
        }
    }

    /// <summary>Removes the container (killing it if it still runs) and the network; logs failures, never throws.</summary>
    public async Task RemoveAsync()
    {
        await _waitStop.CancelAsync();
        using var bound = new CancellationTokenSource(RemoveBound);
        if (ContainerId is { } container)
        {
            await TryAsync("container", container, () => client.Containers.RemoveContainerAsync(container,
                new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, bound.Token));
        }

        if (NetworkId is { } network)
        {
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
