using KubeRunner.Workflow.Expressions;

namespace KubeRunner.Executor.Engine;

/// <summary>Where the job stands, as the status functions see it.</summary>
internal enum JobStatus
{
    Success,
    Failure,
    Cancelled,
}

/// <summary>
/// What earlier steps leave to later ones: the <c>steps</c> context, variables written to
/// <c>GITHUB_ENV</c>, directories added to <c>PATH</c>, saved state, and the job's status.
/// </summary>
internal sealed class JobState
{
    private readonly Dictionary<string, string> _env = new(StringComparer.Ordinal);
    private readonly List<string> _envOrder = [];

    public ExpressionObject Steps { get; } = new();

    /// <summary>Entries added to PATH, the latest first (each is prepended).</summary>
    public List<string> Path { get; } = [];

    public Dictionary<string, Dictionary<string, string>> State { get; } = new(StringComparer.Ordinal);

    private JobStatus _status = JobStatus.Success;
    private CancellationToken _cancel;
    private Func<string>? _cancelReason;
    private string? _reason;

    /// <summary>
    /// Cancelled as soon as the job's cancel token is, whatever else was recorded. Read from the
    /// token, not set by a callback on it: a token runs its callbacks last-registered first, so code
    /// resumed by a later registration (a step's wait) would otherwise see the token cancelled and the
    /// job not yet, and could run the rest of the job as if nothing happened.
    /// </summary>
    public JobStatus Status
    {
        get => _cancel.IsCancellationRequested ? JobStatus.Cancelled : _status;
        set => _status = value;
    }

    /// <summary>Why the job was cancelled (a cancel from the forge, a timeout), once it was; the first answer sticks.</summary>
    public string? CancelReason
    {
        get
        {
            if (_reason is null && _cancel.IsCancellationRequested)
            {
                _reason = _cancelReason?.Invoke();
            }

            return _reason;
        }
    }

    /// <summary>Ties the job's status to <paramref name="cancel"/>; <paramref name="reason"/> says why, when first asked.</summary>
    public void CancelWith(Func<string> reason, CancellationToken cancel)
    {
        _cancel = cancel;
        _cancelReason = reason;
    }

    public IEnumerable<KeyValuePair<string, string>> Env => _envOrder.Select(k => new KeyValuePair<string, string>(k, _env[k]));

    public void SetEnv(string name, string value)
    {
        if (!_env.ContainsKey(name))
        {
            _envOrder.Add(name);
        }

        _env[name] = value;
    }
}

/// <summary>What one step writes while it runs (commands and environment files).</summary>
internal sealed class StepScope(JobState job, string stepId)
{
    public Dictionary<string, string> Outputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Set when an environment file of the step cannot be read; the step then fails.</summary>
    public string? FileError { get; set; }

    public void SetOutput(string name, string value)
    {
        if (name.Length > 0)
        {
            Outputs[name] = value;
        }
    }

    public void SetEnv(string name, string value)
    {
        if (name.Length > 0)
        {
            job.SetEnv(name, value);
        }
    }

    public void AddPath(string directory)
    {
        if (directory.Length > 0)
        {
            job.Path.Insert(0, directory);
        }
    }

    public void SaveState(string name, string value)
    {
        if (name.Length == 0)
        {
            return;
        }

        if (!job.State.TryGetValue(stepId, out var state))
        {
            state = new Dictionary<string, string>(StringComparer.Ordinal);
            job.State[stepId] = state;
        }

        state[name] = value;
    }
}
