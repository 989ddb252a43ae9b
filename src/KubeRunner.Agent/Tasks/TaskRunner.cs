using System.Text;
using KubeRunner.Agent.Backends;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Hosting;
using KubeRunner.Agent.Reporting;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Workflow.Payload;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Tasks;

/// <summary>
/// Runs one task from its arrival to its final report: read the payload, choose label and backend,
/// run, and report exactly one result whatever happens (forgejo-protocol.md §5.5). A task that
/// cannot run here is failed at once with a row saying why, never left for Forgejo's zombie sweep.
/// </summary>
internal sealed partial class TaskRunner(
    BackendSelector selector,
    TaskReporterFactory reporters,
    TaskRunnerOptions options,
    TimeProvider time,
    ILogger<TaskRunner> logger) : ITaskRunner
{
    public const string TimeoutMessage = "The runner cancelled the job because it exceeds the maximum run time";
    public const string ShutdownMessage = "The runner is shutting down and cancelled the job";
    public const string ServerCancelMessage = "The job was cancelled on the forge";

    public async Task RunAsync(ForgeTask task, CancellationToken shutdown)
    {
        // Everything logged for this task (reporter, backend, executor service) carries its id, until its cleanup is done.
        using var scope = logger.BeginScope(new TaskLogScope(task.Id));
        var (job, payloadProblem) = ReadPayload(task);
        await using var reporter = reporters.Create(task, job?.StepNames.Count ?? 0);
        reporter.Start();
        reporter.Log($"kube-runner {AgentVersion.Value} received task {task.Id}: {TaskContext.Describe(task)}");
        Log.TaskStarted(logger, task.Id, TaskContext.Describe(task));

        var (result, lastWords, afterReport) = job is null
            ? (Result.Failure, $"The task's workflow cannot be read: {payloadProblem}", null)
            : await RunJobAsync(task, job, reporter, shutdown);

        var delivered = await reporter.CompleteAsync(result, lastWords, CancellationToken.None);
        Log.TaskFinished(logger, task.Id, result, delivered);
        if (afterReport is not null)
        {
            try
            {
                await afterReport();
            }
#pragma warning disable CA1031 // Cleanup problems are logged; the task is reported already.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.CleanupFailed(logger, task.Id, e);
            }
        }
    }

    private static (JobOutline? Job, string? Problem) ReadPayload(ForgeTask task)
    {
        try
        {
            return (JobOutline.Parse(Encoding.UTF8.GetString(task.WorkflowPayload.Span)), null);
        }
        catch (WorkflowPayloadException e)
        {
            return (null, e.Message);
        }
    }

    private async Task<(Result, string?, Func<Task>?)> RunJobAsync(ForgeTask task, JobOutline job, TaskReporter reporter, CancellationToken shutdown)
    {
        var (backend, label, problem) = selector.Select(job.RunsOn);
        if (backend is null || label is null)
        {
            Log.NoBackend(logger, task.Id, problem!);
            return (Result.Failure, problem, null);
        }

        using var timeout = new CancellationTokenSource(options.JobTimeout, time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown, reporter.ServerStop, timeout.Token);
        try
        {
            var outcome = await backend.RunAsync(new TaskRun(task, job, label, reporter), cancel.Token);
            var (result, words) = cancel.IsCancellationRequested ? WhyCancelled(reporter, timeout, outcome) : (outcome.Result, outcome.LastWords);
            return (result, words, outcome.AfterReport);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            var (result, words) = WhyCancelled(reporter, timeout, outcome: null);
            return (result, words, null);
        }
#pragma warning disable CA1031 // Whatever a backend throws, the task must still get its final report.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.TaskCrashed(logger, task.Id, e);
            return (Result.Failure, $"The runner failed to run the job: {e.Message}", null);
        }
    }

    /// <summary>Which of the three reasons cancelled the job; the backend's own verdict wins if it has one.</summary>
    private static (Result, string?) WhyCancelled(TaskReporter reporter, CancellationTokenSource timeout, JobOutcome? outcome)
    {
        var reason = reporter.ServerStop.IsCancellationRequested ? ServerCancelMessage
            : timeout.IsCancellationRequested ? TimeoutMessage
            : ShutdownMessage;
        var result = outcome is { Result: not Result.Unspecified } ? outcome.Result : Result.Cancelled;
        // An executor enforces runner.timeout too, in the same words: say it once.
        return (result, outcome?.LastWords is not { } words ? reason
            : words.Contains(reason, StringComparison.Ordinal) ? words
            : $"{reason}. {words}");
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.TaskStarted, LogLevel.Information, "Task {TaskId} started: {Description}")]
        public static partial void TaskStarted(ILogger logger, long taskId, string description);

        [LoggerMessage(Diagnostics.EventIds.TaskFinished, LogLevel.Information, "Task {TaskId} finished: {Result} (reported: {Delivered})")]
        public static partial void TaskFinished(ILogger logger, long taskId, Result result, bool delivered);

        [LoggerMessage(Diagnostics.EventIds.TaskNoBackend, LogLevel.Warning, "Task {TaskId} failed: {Problem}")]
        public static partial void NoBackend(ILogger logger, long taskId, string problem);

        [LoggerMessage(Diagnostics.EventIds.TaskCrashed, LogLevel.Error, "Task {TaskId}: the backend failed")]
        public static partial void TaskCrashed(ILogger logger, long taskId, Exception exception);

        [LoggerMessage(Diagnostics.EventIds.TaskCleanupFailed, LogLevel.Warning, "Task {TaskId}: cleaning up after the task failed")]
        public static partial void CleanupFailed(ILogger logger, long taskId, Exception exception);
    }
}
