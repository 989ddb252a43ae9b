using Docker.DotNet;
using KubeRunner.Agent.Tasks.Adoption;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Docker;

/// <summary>
/// The job container of a taken-over Docker task, waited on like that of a fresh run: its executor is
/// its main process, so the container's exit is the executor's. Disposing removes every object of the
/// task (found by its labels, so that objects this agent process never created go too).
/// </summary>
internal sealed class DockerAdoptedExecutor : IAdoptedExecutor
{
    private static readonly TimeSpan RemoveBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WaitRetry = TimeSpan.FromSeconds(1);

    private readonly IDockerClient _client;
    private readonly string _runnerUuid;
    private readonly TaskRecord _record;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int?> _exited;

    public DockerAdoptedExecutor(IDockerClient client, string runnerUuid, TaskRecord record, ILogger logger)
    {
        _client = client;
        _runnerUuid = runnerUuid;
        _record = record;
        _logger = logger;
        _exited = record.ContainerId is { Length: > 0 } id ? WaitAsync(id) : Task.FromResult<int?>(null);
    }

    public string Description => $"container {Short(_record.ContainerId)}";

    /// <summary>The executor bundle copied into Docker actions' containers (docker.executor_bundle, or the one next to kube-runner).</summary>
    public string BundleDirectory { get; init; } = "";

    /// <summary>Docker actions of the job keep running next to its container after the restart.</summary>
    public void Prepare(Executors.ExecutorSession session)
    {
        if (_record.ContainerId is { Length: > 0 } id)
        {
            session.JobContainer = new JobContainerHandle(_client, id, _runnerUuid, _record.TaskId, BundleDirectory);
        }
    }

    public bool HasEnded => _exited.IsCompleted;

    /// <summary>Waits for the executor to end by itself; removing the container (on dispose) stops it otherwise.</summary>
    public Task StopAsync(TimeSpan grace) => Task.WhenAny(_exited, Task.Delay(grace, CancellationToken.None));

    public async Task<string> EndedWithoutResultAsync()
    {
        if (!_exited.IsCompleted)
        {
            return "The executor did not report the job's result in time after the runner restarted; its container was removed.";
        }

        if (await _exited is not { } code)
        {
            return $"The job container {Short(_record.ContainerId)} was gone when the runner restarted, so the job's result is unknown.";
        }

        if (await DockerContainerLogs.TailAsync(_client, _record.ContainerId!, 20) is { Length: > 0 } tail)
        {
            DockerLog.ExecutorOutput(_logger, _record.TaskId, tail);
        }

        return $"The executor ended ({ExecutorExit.Describe(code)}) without reporting the job's result.";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _exited;
        using var bound = new CancellationTokenSource(RemoveBound);
        try
        {
            await DockerLeftovers.RemoveTaskAsync(_client, _runnerUuid, _record.TaskId, _logger, bound.Token);
        }
        catch (Exception e) when (DockerBackend.IsDockerFailure(e) || e is OperationCanceledException)
        {
            // The next start's sweep removes what is left.
            DockerLog.RemoveFailed(_logger, _record.TaskId, "objects of", "the task", e);
        }

        _stop.Dispose();
    }

    /// <returns>The exit code, or null when the container is gone (or this watch was stopped).</returns>
    private async Task<int?> WaitAsync(string containerId)
    {
        while (true)
        {
            try
            {
                var response = await _client.Containers.WaitContainerAsync(containerId, _stop.Token);
                DockerLog.ContainerExited(_logger, _record.TaskId, (int)response.StatusCode);
                return (int)response.StatusCode;
            }
            catch (DockerContainerNotFoundException)
            {
                return null;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e) when (DockerBackend.IsDockerFailure(e))
            {
                // A dropped connection to the daemon says nothing about the container: ask again.
                try
                {
                    await Task.Delay(WaitRetry, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }
        }
    }

    private static string Short(string? id) => id is { Length: > 12 } ? id[..12] : id ?? "(unknown)";
}
