using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Reporting;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Tasks;

/// <summary>Creates the reporter of a task, with the task's secrets registered for masking.</summary>
internal sealed class TaskReporterFactory(IRunnerService forge, ReporterOptions options, TimeProvider time, ILoggerFactory loggers, AgentMetrics? metrics = null)
{
    private readonly ILogger _logger = loggers.CreateLogger<TaskReporter>();

    public TaskReporter Create(ForgeTask task, int stepCount)
    {
        // The secret ACTIONS_STEP_DEBUG=true shows ::debug:: rows, as on GitHub and forgejo-runner.
        var showDebug = task.Secrets.TryGetValue("ACTIONS_STEP_DEBUG", out var debug) && debug == "true";
        return new TaskReporter(task.Id, stepCount, TaskContext.Secrets(task), showDebug, forge, options, time, _logger, metrics);
    }

    /// <summary>
    /// The reporter of a task taken over from an earlier agent process. It knows no secrets: the
    /// executor masks its rows itself, and this agent writes only its closing rows.
    /// </summary>
    public TaskReporter CreateAdopted(long taskId, int stepCount) =>
        new(taskId, stepCount, [], showDebug: false, forge, options, time, _logger, metrics);
}
