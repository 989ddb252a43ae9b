namespace KubeRunner.Workflow.Model;

/// <summary>Orders a workflow's jobs so that each comes after the jobs it needs.</summary>
public static class JobGraph
{
    /// <summary>
    /// The jobs with every job after its needs; among jobs that are ready at the same time, document
    /// order is kept so runs are predictable.
    /// </summary>
    /// <exception cref="JobGraphException">A job needs an unknown job, or jobs need each other in a cycle.</exception>
    public static IReadOnlyList<JobDefinition> Order(IReadOnlyList<JobDefinition> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var byId = new Dictionary<string, JobDefinition>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            if (!byId.TryAdd(job.Id, job))
            {
                throw new JobGraphException($"job id '{job.Id}' is used twice");
            }
        }

        foreach (var job in jobs)
        {
            foreach (var need in job.Needs.Where(n => !byId.ContainsKey(n)))
            {
                throw new JobGraphException($"job '{job.Id}' needs '{need}', which is not a job of this workflow");
            }
        }

        var placed = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<JobDefinition>(jobs.Count);
        var pending = jobs.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.FindIndex(j => j.Needs.All(placed.Contains));
            if (ready < 0)
            {
                throw new JobGraphException($"jobs need each other in a cycle: {DescribeCycle(pending, byId)}");
            }

            placed.Add(pending[ready].Id);
            ordered.Add(pending[ready]);
            pending.RemoveAt(ready);
        }

        return ordered;
    }

    /// <summary>One cycle among the jobs left over, written as <c>a → b → a</c>.</summary>
    private static string DescribeCycle(List<JobDefinition> pending, Dictionary<string, JobDefinition> byId)
    {
        // Every pending job waits on another pending job, so following such needs must revisit a job.
        var left = pending.Select(j => j.Id).ToHashSet(StringComparer.Ordinal);
        var path = new List<string>();
        var current = pending[0];
        while (!path.Contains(current.Id))
        {
            path.Add(current.Id);
            current = byId[current.Needs.First(left.Contains)];
        }

        var cycle = path.Skip(path.IndexOf(current.Id)).Append(current.Id);
        return string.Join(" → ", cycle.Select(id => $"'{id}'"));
    }
}

/// <summary>The jobs' needs cannot be satisfied; the message names the jobs.</summary>
public sealed class JobGraphException : Exception
{
    public JobGraphException()
    {
    }

    public JobGraphException(string message)
        : base(message)
    {
    }

    public JobGraphException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
