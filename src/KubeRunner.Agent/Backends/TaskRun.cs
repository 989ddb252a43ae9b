using KubeRunner.Agent.Labels;
using KubeRunner.Agent.Reporting;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Workflow.Payload;

namespace KubeRunner.Agent.Backends;

/// <summary>Everything a backend gets to run one task.</summary>
/// <param name="Task">The task as Forgejo sent it (payload, context, secrets, vars, needs).</param>
/// <param name="Job">The payload's job, already read.</param>
/// <param name="Label">The label that <c>runs-on</c> selected.</param>
/// <param name="Reporter">Where the task's rows, step events and outputs go.</param>
internal sealed record TaskRun(ForgeTask Task, JobOutline Job, Label Label, TaskReporter Reporter);

/// <summary>How a job ended, as its executor (or the backend, for an infrastructure failure) reports it.</summary>
/// <param name="LastWords">A closing row explaining the result, e.g. which pod failure ended the job.</param>
/// <param name="AfterReport">
/// Runs once the forge has the final report: the executor is told everything arrived, exits, and the
/// backend removes what the task left behind.
/// </param>
internal sealed record JobOutcome(Result Result, string? LastWords = null, Func<Task>? AfterReport = null);
