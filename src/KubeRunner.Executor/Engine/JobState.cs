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

    public JobStatus Status { get; set; } = JobStatus.Success;

    /// <summary>Why the job was cancelled (a cancel from the forge, a timeout), once it was.</summary>
    public string? CancelReason { get; set; }

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
