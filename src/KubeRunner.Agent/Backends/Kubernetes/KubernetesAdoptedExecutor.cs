using KubeRunner.Agent.Backends.Kubernetes.Watching;
using KubeRunner.Agent.Tasks.Adoption;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Backends.Kubernetes;

/// <summary>
/// The Job of a taken-over Kubernetes task, followed through the namespace's watch like that of a fresh
/// run: its executor is the job container's main process. Disposing deletes the Job, and with it the
/// pod, the Secret and the budget.
/// </summary>
internal sealed class KubernetesAdoptedExecutor : IAdoptedExecutor
{
    private readonly KubernetesJobHandle _handle;
    private readonly long _taskId;
    private readonly TaskWatch _watch;
    private readonly KubernetesTaskObjectsWriter _writer;
    private readonly ILogger _logger;
    private readonly PodMonitor _monitor;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _ended;

    public KubernetesAdoptedExecutor(KubernetesJobHandle handle, long taskId, TaskWatch watch, KubernetesTaskObjectsWriter writer, TimeSpan unschedulableWait,
        TimeProvider time, ILogger logger)
    {
        _handle = handle;
        _taskId = taskId;
        _watch = watch;
        _writer = writer;
        _logger = logger;
        // The pending states were shown by the agent process that created the Job.
        _monitor = new PodMonitor(watch, unschedulableWait, _ => { }, time, logger, taskId);
        _ended = handle.Name.Length == 0 ? Task.FromResult(-1) : _monitor.RunAsync(CancellationToken.None, _stop.Token, adopted: true);
    }

    public string Description => $"Job {_handle.Namespace}/{_handle.Name}";

    public bool HasEnded => _ended.IsCompleted;

    public string? FailureReason => _monitor.FailureReason;

    public Task StopAsync(TimeSpan grace) => Task.WhenAny(_ended, Task.Delay(grace, CancellationToken.None));

    public async Task<string> EndedWithoutResultAsync()
    {
        if (_monitor.Failure is { } failure)
        {
            return failure;
        }

        if (!_ended.IsCompleted)
        {
            return "The executor did not report the job's result in time after the runner restarted; its Job was deleted.";
        }

        var code = await _ended;
        return code < 0
            ? $"The task's Job {_handle.Namespace}/{_handle.Name} was gone when the runner restarted, so the job's result is unknown."
            : $"The executor ended ({Docker.ExecutorExit.Describe(code)}) without reporting the job's result.";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _ended;
        }
        catch (OperationCanceledException)
        {
            // Stopped before the namespace's first list came in.
        }

        if (_handle.Name.Length > 0)
        {
            await _writer.DeleteAsync(_handle, _logger, _taskId);
        }

        _watch.Dispose();
        _stop.Dispose();
    }
}
