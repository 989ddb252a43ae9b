using System.Security.Cryptography;
using System.Text;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Testing.FakeForge;

/// <summary>
/// Everything the fake forge stores, behind one lock: registration tokens, runners, jobs, tasks and the
/// tasks version. Handlers take <see cref="Gate"/> for the whole of a state change, so concurrent calls
/// (a reporter sending while a poller fetches) see each other's effects atomically.
/// </summary>
internal sealed class FakeForgeState(TimeProvider time)
{
    // Runner, job, task and run ids come from distinct ranges so that a mix-up of two kinds of id in a
    // client shows up as an unknown id instead of passing by coincidence.
    private long _nextRunnerId = 1;
    private long _nextJobId = 101;
    private long _nextRunId = 501;
    private long _nextTaskId = 1001;
    private readonly Dictionary<string, long> _ownerIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _repoIds = new(StringComparer.OrdinalIgnoreCase);
    private TaskCompletionSource _changed = NewSignal();

    public Lock Gate { get; } = new();

    public Dictionary<string, bool> RegistrationTokens { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, RunnerRecord> RunnersByUuid { get; } = new(StringComparer.Ordinal);

    public List<JobRecord> Jobs { get; } = [];

    public SortedDictionary<long, TaskRecord> Tasks { get; } = [];

    /// <summary>The single global tasks version (§3.4 bookkeeping; one scope is enough for the fake).</summary>
    public long TasksVersion { get; set; }

    /// <summary>Request keys whose FetchTask is in progress (§3.4 step 1: an in-process try-lock per key).</summary>
    public HashSet<string> LockedRequestKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>API tokens (standby.md §2.5) and the level each may read.</summary>
    public Dictionary<string, FakeApiScope> ApiTokens { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The id of a user or organisation, made on first use (from 2001 up).</summary>
    public long OwnerId(string owner) => IdOf(_ownerIds, owner, 2001);

    /// <summary>The id of an <c>owner/repo</c>, made on first use (from 3001 up).</summary>
    public long RepoId(string repository) => IdOf(_repoIds, repository, 3001);

    public static string NewToken() => RandomNumberGenerator.GetHexString(40, lowercase: true);

    public long NextRunnerId() => _nextRunnerId++;

    public long NextJobId() => _nextJobId++;

    public long NextRunId() => _nextRunId++;

    public long NextTaskId() => _nextTaskId++;

    /// <summary>§3.4 step 2: a missing or zero version is bumped first, so 0 is never returned.</summary>
    public long LatestTasksVersion()
    {
        if (TasksVersion == 0)
        {
            TasksVersion = 1;
        }

        return TasksVersion;
    }

    public RunnerRecord? FindRunner(long id) => RunnersByUuid.Values.FirstOrDefault(r => r.Id == id);

    /// <summary>
    /// §3.1: look the runner up by <c>x-runner-uuid</c>, check <c>x-runner-token</c>, then record
    /// last_online (every call) and last_active (UpdateTask/UpdateLog). Caller holds <see cref="Gate"/>.
    /// </summary>
    public RunnerRecord Authenticate(string? uuid, string? token, ForgeMethod method)
    {
        if (string.IsNullOrEmpty(uuid) || !RunnersByUuid.TryGetValue(uuid, out var runner)
            || !CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(token ?? ""), Encoding.UTF8.GetBytes(runner.Token)))
        {
            throw new ConnectErrorException(ConnectCode.Unauthenticated, "unregistered runner");
        }

        var now = Now;
        runner.LastOnline = now;
        if (method is ForgeMethod.UpdateTask or ForgeMethod.UpdateLog)
        {
            runner.LastActive = now;
        }

        NotifyChanged();
        return runner;
    }

    /// <summary>
    /// StopTask as used by a user cancel (§3.11) and the zombie sweep (§3.10): task, job and unfinished
    /// steps get <paramref name="result"/>; an ephemeral runner is deleted (Forgejo 15).
    /// </summary>
    public void StopTask(long taskId, Result result, FakeTaskEventKind kind)
    {
        lock (Gate)
        {
            var task = GetTaskRecord(taskId);
            if (task.IsDone)
            {
                return;
            }

            var now = Now;
            task.Result = result;
            task.Job.Result = result;
            task.StoppedAt = now;
            task.Updated = now;
            foreach (var step in task.Steps.Where(s => s.Result == Result.Unspecified))
            {
                step.Result = result;
                step.IsRunning = false;
                step.StoppedAt ??= now;
            }

            task.Record(now, kind, kind == FakeTaskEventKind.CancelledByUser ? "cancelled by user" : "failed by server");
            DeleteIfEphemeral(task.RunnerId, task);
            NotifyChanged();
        }
    }

    /// <summary>§3.6 step 8: an ephemeral runner's record disappears, so its credentials stop working.</summary>
    public void DeleteIfEphemeral(long runnerId, TaskRecord task)
    {
        var runner = FindRunner(runnerId);
        if (runner is { Ephemeral: true })
        {
            RunnersByUuid.Remove(runner.Uuid);
            task.Record(Now, FakeTaskEventKind.RunnerDeleted, "ephemeral runner deleted");
        }
    }

    public TaskRecord GetTaskRecord(long taskId) =>
        Tasks.TryGetValue(taskId, out var task)
            ? task
            : throw new KeyNotFoundException($"The fake forge has no task {taskId}.");

    /// <summary>Wakes every waiter; called (under the lock) after each change.</summary>
    public void NotifyChanged()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    /// <summary>
    /// Evaluates <paramref name="probe"/> under the lock after every change until it yields a value.
    /// No polling: each round waits for the next change signal, bounded by <paramref name="timeout"/>.
    /// </summary>
    public async Task<T> WaitAsync<T>(Func<T?> probe, TimeSpan timeout, string what, CancellationToken cancellationToken)
        where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            System.Threading.Tasks.Task changed;
            lock (Gate)
            {
                var found = probe();
                if (found is not null)
                {
                    return found;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The fake forge did not reach the expected state within {timeout}: {what}.");
            }
        }
    }

    private static long IdOf(Dictionary<string, long> ids, string name, long first)
    {
        if (!ids.TryGetValue(name, out var id))
        {
            id = first + ids.Count;
            ids.Add(name, id);
        }

        return id;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
