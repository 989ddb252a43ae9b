using KubeRunner.Agent.Cli;
using KubeRunner.Workflow.Expressions;
using KubeRunner.Workflow.Model;

namespace KubeRunner.Agent.LocalRun;

/// <summary>One task of a local run: a job, or one matrix combination of it.</summary>
/// <param name="Payload">The single-job workflow the executor gets, as Forgejo would send it.</param>
internal sealed record LocalJob(string JobId, string DisplayName, string Payload, IReadOnlyList<string> Needs);

/// <summary>
/// What <c>kube-runner exec</c> runs, in order. Locally nothing else does the forge's part, so this
/// picks the jobs, orders them by <c>needs</c> and expands each matrix into one task per combination.
/// </summary>
internal static class LocalPlan
{
    /// <param name="selected">
    /// <c>--job</c>: that job and, transitively, the jobs it needs (their outputs and results are what
    /// it reads); null for every job.
    /// </param>
    /// <param name="warn">Told about what a local run cannot do as the forge would.</param>
    public static IReadOnlyList<LocalJob> Create(WorkflowDefinition workflow, string yaml, string? selected, Action<string> warn)
    {
        IReadOnlyList<JobDefinition> ordered;
        try
        {
            ordered = JobGraph.Order(workflow.Jobs);
        }
        catch (JobGraphException e)
        {
            throw new CliException(ExitCodes.Configuration, e.Message, e);
        }

        var wanted = selected is null ? null : WithNeeds(ordered, selected);
        var jobs = new List<LocalJob>();
        foreach (var job in ordered.Where(j => wanted is null || wanted.Contains(j.Id)))
        {
            foreach (var combination in Combinations(job, warn))
            {
                var name = JobPayload.DisplayName(job.Id, job.Name, combination);
                jobs.Add(new LocalJob(job.Id, name, JobPayload.Write(yaml, job.Id, combination), job.Needs));
            }
        }

        return jobs;
    }

    private static HashSet<string> WithNeeds(IReadOnlyList<JobDefinition> jobs, string selected)
    {
        var byId = jobs.ToDictionary(j => j.Id, StringComparer.Ordinal);
        if (!byId.ContainsKey(selected))
        {
            throw new CliException(ExitCodes.Usage, $"--job: the workflow has no job '{selected}' (jobs: {string.Join(", ", jobs.Select(j => j.Id))})");
        }

        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([selected]);
        while (pending.TryPop(out var id))
        {
            if (wanted.Add(id))
            {
                foreach (var need in byId[id].Needs)
                {
                    pending.Push(need);
                }
            }
        }

        return wanted;
    }

    /// <summary>The job's matrix combinations; a job without a matrix runs once (null).</summary>
    private static IEnumerable<ExpressionObject?> Combinations(JobDefinition job, Action<string> warn)
    {
        if (job.Strategy?.Matrix is { } matrix)
        {
            try
            {
                return MatrixExpander.Expand(matrix);
            }
            catch (MatrixException e)
            {
                throw new CliException(ExitCodes.Configuration, $"line {job.Line}: job '{job.Id}': {e.Message}", e);
            }
        }

        if (job.Strategy?.MatrixExpression is { } expression)
        {
            // The forge evaluates such a matrix with the outputs of earlier jobs; exec does not (yet).
            warn($"job '{job.Id}': the matrix '{expression}' is an expression, which exec does not expand; the job runs once without a matrix");
        }

        return [null];
    }
}
