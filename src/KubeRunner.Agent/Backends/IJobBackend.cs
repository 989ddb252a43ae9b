using KubeRunner.Agent.Labels;

namespace KubeRunner.Agent.Backends;

/// <summary>
/// Runs tasks somewhere: as a Kubernetes Job, in Docker containers, or as a local process. The
/// backend launches the executor with the task and relays what it reports to the task's reporter;
/// the agent owns the forge side (see docs/adr/0002-task-lifecycle.md).
/// </summary>
internal interface IJobBackend
{
    /// <summary>Shown in logs and in the task log, e.g. <c>kubernetes</c>.</summary>
    string Name { get; }

    /// <summary>Whether this backend runs jobs whose <c>runs-on</c> selected <paramref name="label"/>.</summary>
    bool CanRun(Label label);

    /// <summary>
    /// Runs the task to its end and returns the job's result. When <paramref name="cancellationToken"/>
    /// fires (the forge cancelled the task, the job timed out, or the runner shuts down) the backend
    /// stops the job, gives it its grace to run what must run after a cancel, cleans up, and returns
    /// (or throws <see cref="OperationCanceledException"/>).
    /// </summary>
    Task<JobOutcome> RunAsync(TaskRun run, CancellationToken cancellationToken);
}
