using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Testing.FakeForge;

/// <summary>FetchTask (§3.4): request-key recovery, tasks_version, and picking one job per call.</summary>
internal sealed class FetchTaskHandler(FakeForgeState state, TaskPayloadBuilder payloads, Func<RunnerServiceHandler> service)
{
    public async Task<FetchTaskResponse> FetchAsync(FetchTaskRequest request, ForgeCall call)
    {
        RunnerRecord caller;
        lock (state.Gate)
        {
            caller = state.Authenticate(call.RunnerUuid, call.RunnerToken, call.Method);

            // §3.4 step 1: a try-lock per request key, held for the whole call.
            if (call.RequestKey is not null && !state.LockedRequestKeys.Add(call.RequestKey))
            {
                throw new ConnectErrorException(ConnectCode.Internal, "request key is currently locked; retry soon");
            }
        }

        try
        {
            await call.ProcessingPointAsync();
            lock (state.Gate)
            {
                var runner = service().RequireRegistered(caller);
                var response = Recover(runner, call.RequestKey) ?? Fetch(runner, request, call.RequestKey);
                state.NotifyChanged();
                return response;
            }
        }
        finally
        {
            if (call.RequestKey is not null)
            {
                lock (state.Gate)
                {
                    state.LockedRequestKeys.Remove(call.RequestKey);
                }
            }
        }
    }

    /// <summary>
    /// §3.4 step 1: tasks already bound to this runner and key (whatever their status) are sent again with a
    /// regenerated token and tasks_version 0. Our proto has no additional_tasks, and one FetchTask never
    /// binds more than one task, so there is at most one.
    /// </summary>
    private FetchTaskResponse? Recover(RunnerRecord runner, string? requestKey)
    {
        if (requestKey is null)
        {
            return null;
        }

        var bound = state.Tasks.Values.Where(t => t.RunnerId == runner.Id && t.RequestKey == requestKey).ToList();
        if (bound.Count == 0)
        {
            return null;
        }

        var now = state.Now;
        foreach (var task in bound)
        {
            task.Token = FakeForgeState.NewToken();
            task.Record(now, FakeTaskEventKind.RecoveredByRequestKey, "sent again for request key " + requestKey);
        }

        return new FetchTaskResponse { Task = payloads.Build(bound[0], now), TasksVersion = 0 };
    }

    private FetchTaskResponse Fetch(RunnerRecord runner, FetchTaskRequest request, string? requestKey)
    {
        var latest = state.LatestTasksVersion();
        if (request.TasksVersion == latest)
        {
            // §3.4 step 3: the cheap path does not look at the queue.
            return new FetchTaskResponse { TasksVersion = latest };
        }

        var task = Pick(runner, requestKey);
        return new FetchTaskResponse
        {
            Task = task is null ? null : payloads.Build(task, state.Now),
            TasksVersion = latest,
        };
    }

    private TaskRecord? Pick(RunnerRecord runner, string? requestKey)
    {
        // §3.4 PickTask: an ephemeral runner gets one task in its life.
        if (runner.Ephemeral && state.Tasks.Values.Any(t => t.RunnerId == runner.Id))
        {
            return null;
        }

        // Candidates in queue order (Forgejo: updated ASC, id ASC); the lock makes the assignment atomic,
        // so a job is bound at most once however many runners fetch at the same time.
        var job = state.Jobs.FirstOrDefault(j => j.TaskId == 0 && j.Result == Result.Unspecified && !j.Held
            && InScope(runner, j) && RunsOn(runner, j));
        if (job is null)
        {
            return null;
        }

        var now = state.Now;
        var task = new TaskRecord
        {
            Id = state.NextTaskId(),
            Job = job,
            RunnerId = runner.Id,
            Token = FakeForgeState.NewToken(),
            RequestKey = requestKey,
            StartedAt = now,
            Updated = now,
            Steps = [.. Enumerable.Range(0, job.StepCount).Select(i => new StepRecord { Index = i })],
        };
        job.TaskId = task.Id;
        state.Tasks.Add(task.Id, task);
        task.Record(now, FakeTaskEventKind.Assigned, $"assigned to runner {runner.Id}");
        return task;
    }

    /// <summary>
    /// GetAvailableJobsForRunner: a repository-level runner takes that repository's jobs, an owner-level one its
    /// owner's, a global one all.
    /// </summary>
    private static bool InScope(RunnerRecord runner, JobRecord job) =>
        runner.Owner is null
        || (string.Equals(runner.Owner, job.Owner, StringComparison.OrdinalIgnoreCase)
            && (runner.Repository is null || string.Equals(runner.Repository, job.RepositoryName, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// §3.4 ItRunsOn: no runner labels or no runs-on → false; else every runs-on entry must be one of the
    /// runner's label names (exact, case-sensitive). There is no implicit label.
    /// </summary>
    private static bool RunsOn(RunnerRecord runner, JobRecord job) =>
        runner.Labels.Count > 0 && job.Spec.RunsOn.Count > 0
        && job.Spec.RunsOn.All(label => runner.Labels.Contains(label, StringComparer.Ordinal));
}
