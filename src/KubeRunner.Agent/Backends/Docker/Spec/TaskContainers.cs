using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Agent.Backends.Docker.Spec;

/// <summary>
/// The job's <c>container:</c> and <c>services:</c>, read from the task's workflow payload and
/// evaluated by the agent (whose contexts have the task's secrets, matrix, vars and needs), as every
/// container backend needs them before it creates anything.
/// </summary>
internal static class TaskContainers
{
    /// <exception cref="ContainerSpecException">An expression of the job cannot be evaluated; the message names its line.</exception>
    public static (WorkflowContainer Job, List<WorkflowContainer> Services) Evaluate(TaskRun run)
    {
        var parsed = WorkflowParser.ParseSingleJob(System.Text.Encoding.UTF8.GetString(run.Task.WorkflowPayload.Span));
        // A payload that does not parse is the executor's to report, with every problem it has.
        var workflow = parsed.Workflow;
        var job = workflow?.Jobs.FirstOrDefault(j => j.Id == run.Job.JobId) ?? (workflow?.Jobs is [var only, ..] ? only : null);
        if (workflow is null || job is null || (job.Container is null && job.Services.Count == 0))
        {
            return (WorkflowContainer.None, []);
        }

        ExpressionContext context;
        try
        {
            context = ContainerContext.Build(run.Task, workflow, job, run.Label.Name);
        }
        catch (Exception e) when (e is ExpressionException or MatrixException)
        {
            throw new ContainerSpecException($"line {job.Line}: the env or matrix of job '{job.Id}' cannot be evaluated: {e.Message}", e);
        }

        var jobSpec = job.Container is { } container ? WorkflowContainer.Evaluate(null, container, context) : WorkflowContainer.None;
        return (jobSpec, [.. job.Services.Select(service => WorkflowContainer.Evaluate(service.Key, service.Value, context))]);
    }
}
