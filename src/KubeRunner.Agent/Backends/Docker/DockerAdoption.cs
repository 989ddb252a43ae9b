using Docker.DotNet;
using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Tasks.Adoption;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// Docker tasks taken over by a new agent process: their job containers kept running while no agent
/// was there. At start, whatever this runner left in Docker for tasks it no longer runs is removed.
/// </summary>
internal sealed class DockerAdoption(RunnerConfig config, LabelSet labels, string runnerUuid, ILogger<DockerAdoption> logger) : IBackendAdoption, IDisposable
{
    public const string BackendName = "docker";

    private static readonly TimeSpan SweepBound = TimeSpan.FromSeconds(60);

    // Created on first use, so that an agent without Docker labels and tasks never needs a daemon.
    private readonly Lazy<IDockerClient> _client = new(() => new DockerClientBuilder().WithEndpoint(new Uri(config.Docker.Host)).Build());

    public string Backend => BackendName;

    public async Task PrepareAsync(IReadOnlyCollection<TaskRecord> adopted, CancellationToken cancellationToken)
    {
        if (adopted.Count == 0 && !labels.Labels.Any(l => l.Scheme == Label.Docker))
        {
            return;
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(SweepBound);
        try
        {
            await DockerLeftovers.SweepAsync(_client.Value, runnerUuid, adopted.Select(r => r.TaskId).ToHashSet(), logger, bound.Token);
            await RejoinAsync(adopted, bound.Token);
        }
        catch (Exception e) when (DockerBackend.IsDockerFailure(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Not a reason to refuse jobs: the next start looks again, and tasks of this process remove their own objects.
            DockerLog.SweepFailed(logger, config.Docker.Host, e is OperationCanceledException ? $"no answer within {SweepBound.TotalSeconds:0} s" : e.Message);
        }
    }

    /// <summary>
    /// An agent in a container of its own (<c>docker.agent: container:NAME</c>) is reached on each task's
    /// network; a new agent container has to join the networks of the tasks it takes over.
    /// </summary>
    private async Task RejoinAsync(IReadOnlyCollection<TaskRecord> adopted, CancellationToken cancellationToken)
    {
        var reach = AgentReach.From(config.Docker, config.Executor);
        if (reach.AgentContainer is null)
        {
            return;
        }

        foreach (var record in adopted)
        {
            foreach (var network in await DockerLeftovers.NetworksOfTaskAsync(_client.Value, runnerUuid, record.TaskId, cancellationToken))
            {
                try
                {
                    await reach.JoinAsync(_client.Value, network, cancellationToken);
                }
                catch (DockerApiException)
                {
                    // Already joined: the agent's container is the same one, restarted.
                }
            }
        }
    }

    public IAdoptedExecutor Open(TaskRecord record) => new DockerAdoptedExecutor(_client.Value, runnerUuid, record, logger)
    {
        BundleDirectory = config.Docker.ExecutorBundle.Length > 0 ? config.Docker.ExecutorBundle : DockerBackend.DefaultBundleDirectory(),
    };

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }
}
