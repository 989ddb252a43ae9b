using System.Security.Cryptography;
using System.Text;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Testing.FakeForge;

// The test-facing side: set up, inspect, wait, and act as the server's own users and sweeps.
public sealed partial class FakeForge
{
    private const string TokenAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>The tasks version FetchTask answers with (§3.4), without creating it.</summary>
    public long TasksVersion
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.TasksVersion;
            }
        }
    }

    public IReadOnlyList<FakeRunner> Runners => Read(() => _state.RunnersByUuid.Values.OrderBy(r => r.Id).Select(r => r.Snapshot()).ToList());

    public IReadOnlyList<FakeTask> Tasks => Read(() => _state.Tasks.Values.Select(t => t.Snapshot()).ToList());

    /// <summary>Adds an active, reusable registration token (§3.2); null makes 40 random alphanumerics.</summary>
    public string AddRegistrationToken(string? token = null)
    {
        token ??= RandomNumberGenerator.GetString(TokenAlphabet, 40);
        lock (_state.Gate)
        {
            _state.RegistrationTokens[token] = true;
        }

        return token;
    }

    /// <summary>Marks a token inactive, as creating a newer one for its scope does in Forgejo (§3.2).</summary>
    public void InvalidateRegistrationToken(string token)
    {
        lock (_state.Gate)
        {
            if (!_state.RegistrationTokens.ContainsKey(token))
            {
                throw new KeyNotFoundException("Unknown registration token.");
            }

            _state.RegistrationTokens[token] = false;
        }
    }

    /// <summary>
    /// <c>forgejo-cli actions register --secret</c> (§3.2): the UUID is made of the first 16 ASCII characters
    /// of the secret taken as its 16 bytes, the token is the whole secret. Creates or updates the runner.
    /// </summary>
    public FakeRunner RegisterRunnerFromSecret(string secret, string name, IReadOnlyList<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length != 40 || !secret.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("The secret must be 40 hexadecimal characters.", nameof(secret));
        }

        var hex = Convert.ToHexStringLower(Encoding.ASCII.GetBytes(secret[..16]));
        var uuid = $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
        lock (_state.Gate)
        {
            if (!_state.RunnersByUuid.TryGetValue(uuid, out var runner))
            {
                runner = new RunnerRecord { Id = _state.NextRunnerId(), Uuid = uuid, Token = secret, Name = name };
                _state.RunnersByUuid.Add(uuid, runner);
            }

            runner.Token = secret;
            runner.Name = name;
            if (labels is not null)
            {
                runner.Labels = [.. labels];
            }

            _state.NotifyChanged();
            return runner.Snapshot();
        }
    }

    /// <summary>Creates a runner directly, as if it had registered (random UUIDv4 and 40-hex token).</summary>
    /// <param name="scope">
    /// Where it is registered: null or <see cref="FakeApiScope.Admin"/> for a global runner, an org or user for an
    /// owner-level one, a repository for a repository-level one. It only gets jobs of its scope.
    /// </param>
    public FakeRunner AddRunner(string name, IReadOnlyList<string> labels, bool ephemeral = false, string version = "", FakeApiScope? scope = null)
    {
        var owner = scope is null || scope.Kind == FakeApiScopeKind.Admin ? null : scope.Owner;
        lock (_state.Gate)
        {
            var runner = new RunnerRecord
            {
                Id = _state.NextRunnerId(),
                Uuid = Guid.NewGuid().ToString(),
                Token = FakeForgeState.NewToken(),
                Name = name,
                Version = version,
                Labels = [.. labels],
                Ephemeral = ephemeral,
                Owner = owner,
                Repository = scope?.Repository,
            };
            _state.RunnersByUuid.Add(runner.Uuid, runner);
            _state.NotifyChanged();
            return runner.Snapshot();
        }
    }

    public FakeRunner? FindRunner(string uuid) => Read(() => _state.RunnersByUuid.GetValueOrDefault(uuid)?.Snapshot());

    /// <summary>Queues a waiting job and bumps the tasks version, as inserting a run does (§3.4 bookkeeping).</summary>
    public long EnqueueJob(FakeJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var (jobKey, stepCount) = job.SendAsIs ? WorkflowJobReader.TryRead(job.WorkflowYaml) : WorkflowJobReader.Read(job.WorkflowYaml);
        lock (_state.Gate)
        {
            var record = new JobRecord
            {
                Id = _state.NextJobId(),
                Spec = job,
                JobKey = jobKey,
                StepCount = stepCount,
                RunId = job.RunId ?? _state.NextRunId(),
                Handle = Guid.NewGuid().ToString(),
                CreatedAt = _state.Now,
            };
            _state.Jobs.Add(record);
            _state.TasksVersion++;
            _state.NotifyChanged();
            return record.Id;
        }
    }

    /// <summary>Bumps the tasks version without queueing anything (e.g. a job became waiting again).</summary>
    public void BumpTasksVersion()
    {
        lock (_state.Gate)
        {
            _state.TasksVersion++;
            _state.NotifyChanged();
        }
    }

    public FakeTask GetTask(long taskId) => Read(() => _state.GetTaskRecord(taskId).Snapshot());

    /// <summary>The task a job was assigned to, or null while the job waits.</summary>
    public FakeTask? FindTaskForJob(long jobId) =>
        Read(() => _state.Tasks.Values.LastOrDefault(t => t.Job.Id == jobId)?.Snapshot());

    /// <summary>Completes with the first task (in id order) that satisfies <paramref name="predicate"/>, checked after every change.</summary>
    public Task<FakeTask> WaitForTaskAsync(Func<FakeTask, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _state.WaitAsync(() => _state.Tasks.Values.Select(t => t.Snapshot()).FirstOrDefault(predicate), timeout, "task condition", cancellationToken);

    public Task<FakeTask> WaitForTaskAsync(long taskId, Func<FakeTask, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _state.WaitAsync(
            () => _state.Tasks.TryGetValue(taskId, out var t) && t.Snapshot() is var s && predicate(s) ? s : null,
            timeout, $"condition on task {taskId}", cancellationToken);

    /// <summary>Completes when the job has been assigned to a task.</summary>
    public Task<FakeTask> WaitForJobAssignedAsync(long jobId, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _state.WaitAsync(() => _state.Tasks.Values.LastOrDefault(t => t.Job.Id == jobId)?.Snapshot(), timeout, $"job {jobId} assigned", cancellationToken);

    public Task<FakeRunner> WaitForRunnerAsync(Func<FakeRunner, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _state.WaitAsync(() => _state.RunnersByUuid.Values.Select(r => r.Snapshot()).FirstOrDefault(predicate), timeout, "runner condition", cancellationToken);

    /// <summary>A user cancels the run (§3.11): the task becomes CANCELLED; the runner learns it from UpdateTask.</summary>
    public void CancelTask(long taskId) => _state.StopTask(taskId, Result.Cancelled, FakeTaskEventKind.CancelledByUser);

    /// <summary>The zombie or endless-task sweep stops the task (§3.10): it becomes FAILURE.</summary>
    public void FailTask(long taskId) => _state.StopTask(taskId, Result.Failure, FakeTaskEventKind.FailedByServer);

    private T Read<T>(Func<T> read)
    {
        lock (_state.Gate)
        {
            return read();
        }
    }
}
