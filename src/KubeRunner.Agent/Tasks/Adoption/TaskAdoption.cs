using KubeRunner.Agent.Configuration;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Executors;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Reporting;
using KubeRunner.Agent.Scheduling;
using KubeRunner.Protocol.Executor.V1;
using KubeRunner.Protocol.Runner.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Tasks.Adoption;

/// <summary>
/// Takes over the tasks a previous agent process left running (it was killed, or upgraded): their
/// executors keep running, buffer their events and reattach through the socket. Each adopted task
/// gets a reporter that continues the forge's log where it stands, a session that accepts the
/// executor's old token, and a capacity slot until it ends. What is backend-specific (how to see
/// the executor, what to remove) is the backend's <see cref="IBackendAdoption"/>.
/// </summary>
internal sealed partial class TaskAdoption(
    TaskRecordStore store,
    ExecutorRegistry registry,
    IRunnerService forge,
    TaskReporterFactory reporters,
    RunnerConfig config,
    TaskPoller poller,
    IEnumerable<IBackendAdoption> backends,
    AgentMetrics metrics,
    ILogger<TaskAdoption> logger)
{
    /// <summary>
    /// Lets each backend clear what no recorded task owns, then registers every recorded task and starts
    /// watching it. Runs before executors can reach the agent and before any task is fetched, so that
    /// nothing of a new task can be taken for a leftover.
    /// </summary>
    public async Task AdoptAllAsync(CancellationToken cancellationToken)
    {
        var (records, problems) = store.LoadAll();
        foreach (var problem in problems)
        {
            Log.RecordUnreadable(logger, problem);
        }

        var byName = backends.ToDictionary(b => b.Backend, StringComparer.Ordinal);
        foreach (var backend in byName.Values)
        {
            var known = records.Select(r => r.TaskId).ToHashSet();
            records.AddRange((await backend.DiscoverAsync(cancellationToken)).Where(r => !known.Contains(r.TaskId)));
        }

        foreach (var backend in byName.Values)
        {
            await backend.PrepareAsync([.. records.Where(r => r.BackendName == backend.Backend)], cancellationToken);
        }

        foreach (var taskId in byName.Values.SelectMany(b => b.Abandoned).Distinct().Where(id => records.All(r => r.TaskId != id)))
        {
            poller.Adopt(taskId, shutdown => FailAbandonedAsync(taskId, shutdown));
        }

        foreach (var record in records)
        {
            if (!byName.TryGetValue(record.BackendName, out var backend))
            {
                Log.RecordUnreadable(logger, $"task {record.TaskId}: this kube-runner has no backend '{record.BackendName}'");
                continue;
            }

            var executor = backend.Open(record);
            var reporter = reporters.CreateAdopted(record.TaskId, record.StepCount);
            var relay = new TaskRelay(reporter, logger, record.BaseRow);
            var session = new ExecutorSession(new ForgeTask { Id = record.TaskId }, new JobSettings(), Convert.FromBase64String(record.TokenHash), relay);
            relay.Finished = session.Finish;
            executor.Prepare(session);
            registry.Add(session);
            poller.Adopt(record.TaskId, shutdown => RunAsync(record, executor, reporter, session, shutdown));
        }
    }

    private async Task RunAsync(TaskRecord record, IAdoptedExecutor executor, TaskReporter reporter, ExecutorSession session, CancellationToken shutdown)
    {
        using var scope = logger.BeginScope(new TaskLogScope(record.TaskId));
        try
        {
            var rows = await ForgeRowsAsync(record.TaskId, shutdown);
            reporter.ResumeAt(rows);
            reporter.Start();
            Log.Adopted(logger, record.TaskId, rows, executor.Description);
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown, reporter.ServerStop);
            var finished = await WaitAsync(executor, session, cancel.Token);
            var (result, words) = finished is null
                ? (cancel.IsCancellationRequested ? Result.Cancelled : Result.Failure, await executor.EndedWithoutResultAsync())
                : (finished.Result, finished.Message.Length > 0 ? finished.Message : null);
            if (finished is null && (executor.FailureReason is not null || !cancel.IsCancellationRequested))
            {
                // As for a task of this process: the backend ended it, not the job's own steps or a cancel.
                metrics.BackendFailure(record.BackendName, executor.FailureReason ?? BackendFailureReasons.ExecutorLost);
            }
            await reporter.CompleteAsync(result, words, CancellationToken.None);
            // The executor exits once the agent confirms that the forge has everything.
            await executor.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            registry.Remove(session);
            session.Dispose();
            await reporter.DisposeAsync();
            await CleanUpAsync(record, executor);
        }
    }

    /// <summary>Ends on the forge a task whose job was stopped because it could not be taken over, so that it does not stay running there.</summary>
    private async Task FailAbandonedAsync(long taskId, CancellationToken shutdown)
    {
        using var scope = logger.BeginScope(new TaskLogScope(taskId));
        await using var reporter = reporters.CreateAdopted(taskId, 0);
        try
        {
            reporter.ResumeAt(await ForgeRowsAsync(taskId, shutdown));
            reporter.Start();
            await reporter.CompleteAsync(Result.Failure,
                "The runner restarted before this job's executor had started, so it could not take the job over; it stopped the job. Run the job again.",
                CancellationToken.None);
            Log.Abandoned(logger, taskId);
        }
        catch (Exception e) when (ForgeErrors.IsTransient(e) || e is OperationCanceledException)
        {
            // The forge's own timeout for lost tasks remains.
            Log.AbandonedNotReported(logger, taskId, e.Message);
        }
    }

    /// <summary>How many rows the forge holds: an UpdateLog without rows answers with that count.</summary>
    private async Task<long> ForgeRowsAsync(long taskId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await forge.UpdateLogAsync(new UpdateLogRequest { TaskId = taskId, Index = 0 }, cancellationToken);
                return response.AckIndex;
            }
            catch (Exception e) when (ForgeErrors.IsTransient(e) && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt)), cancellationToken);
            }
        }
    }

    private async Task<JobFinished?> WaitAsync(IAdoptedExecutor executor, ExecutorSession session, CancellationToken cancel)
    {
        var deadline = DateTimeOffset.UtcNow + config.Executor.ReconnectWindow;
        var cancelRequested = false;
        while (!session.Finished.IsCompleted)
        {
            if (cancel.IsCancellationRequested && !cancelRequested)
            {
                session.RequestCancel("The job was cancelled");
                deadline = DateTimeOffset.UtcNow + config.Executor.CancelTimeout;
                cancelRequested = true;
            }

            var gone = executor.HasEnded && !session.IsAttached;
            if (gone || DateTimeOffset.UtcNow > deadline)
            {
                // Its last events may still be on their way.
                await Task.WhenAny(session.Finished, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
                break;
            }

            await Task.WhenAny(session.Finished, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None));
        }

        return session.Finished.IsCompleted ? await session.Finished : null;
    }

    private async Task CleanUpAsync(TaskRecord record, IAdoptedExecutor executor)
    {
        try
        {
            store.Delete(record.TaskId);
            // Stops an executor that is still running, and removes what the task left.
            await executor.DisposeAsync();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CleanupFailed(logger, record.TaskId, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.TaskAdopted, LogLevel.Information, "Task {TaskId}: taken over from the previous agent process (the forge has {Rows} rows; executor: {Executor})")]
        public static partial void Adopted(ILogger logger, long taskId, long rows, string executor);

        [LoggerMessage(Diagnostics.EventIds.TaskStateFailed, LogLevel.Warning, "A running-task record cannot be used and is left in place: {Problem}")]
        public static partial void RecordUnreadable(ILogger logger, string problem);

        [LoggerMessage(Diagnostics.EventIds.TaskAbandoned, LogLevel.Warning, "Task {TaskId}: its job was stopped because it could not be taken over; failed it on the forge")]
        public static partial void Abandoned(ILogger logger, long taskId);

        [LoggerMessage(Diagnostics.EventIds.TaskAbandonedNotReported, LogLevel.Warning, "Task {TaskId}: its job was stopped because it could not be taken over, and the forge could not be told: {Problem}")]
        public static partial void AbandonedNotReported(ILogger logger, long taskId, string problem);

        [LoggerMessage(Diagnostics.EventIds.TaskCleanupFailed, LogLevel.Warning, "Task {TaskId}: cleaning up after the adopted task failed")]
        public static partial void CleanupFailed(ILogger logger, long taskId, Exception exception);
    }
}
