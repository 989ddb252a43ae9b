using System.Text;
using Google.Protobuf.WellKnownTypes;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Reporting;

/// <summary>
/// The task state Forgejo is told about: result, times, one state per step with the step's row range
/// (<c>log_index</c>, <c>log_length</c>), and the job outputs not yet acknowledged. Not thread-safe:
/// the reporter locks around it.
/// </summary>
internal sealed class TaskProgress
{
    /// <summary>Forgejo's limits on outputs (it drops larger ones silently; the runner says so in the log).</summary>
    public const int MaxOutputKeyBytes = 255;

    public const int MaxOutputValueBytes = 1024 * 1024;

    private readonly TaskState _state;
    private readonly Dictionary<string, string> _unsentOutputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _outputKeys = new(StringComparer.Ordinal);

    public TaskProgress(long taskId, int stepCount, Timestamp startedAt)
    {
        // Forgejo created one step row per step of the payload (ids 0..n-1); report exactly those.
        _state = new TaskState { Id = taskId, StartedAt = startedAt };
        for (var i = 0; i < stepCount; i++)
        {
            _state.Steps.Add(new StepState { Id = i });
        }
    }

    public int StepCount => _state.Steps.Count;

    /// <summary>The step that has started and not finished, if any: runner rows count in it.</summary>
    public int? RunningStep { get; private set; }

    public Result Result => _state.Result;

    public bool HasUnsentOutputs => _unsentOutputs.Count > 0;

    public bool IsStep(int step) => step >= 0 && step < _state.Steps.Count;

    public void StepStarted(int step, Timestamp time, long nextRow)
    {
        var state = _state.Steps[step];
        state.StartedAt ??= time;
        if (state.LogLength == 0)
        {
            state.LogIndex = nextRow;
        }

        RunningStep = step;
    }

    public void CountRow(int step, long index)
    {
        var state = _state.Steps[step];
        if (state.LogLength == 0)
        {
            state.LogIndex = index;
        }

        // A step's rows are consecutive; counting by position makes a row restored from an executor's
        // snapshot and then received again count once.
        state.LogLength = Math.Max(state.LogLength, index - state.LogIndex + 1);
    }

    public void StepFinished(int step, Result result, Timestamp time, long nextRow)
    {
        var state = _state.Steps[step];
        state.StartedAt ??= time;
        state.StoppedAt = time;
        state.Result = result;
        if (state.LogLength == 0)
        {
            // A step without output points at where its output would have been.
            state.LogIndex = nextRow;
        }

        if (RunningStep == step)
        {
            RunningStep = null;
        }
    }

    /// <summary>Sets a step's state wholesale (from an executor's snapshot).</summary>
    public void Restore(int step, Timestamp? started, Timestamp? stopped, Result result, long logIndex, long logLength)
    {
        var state = _state.Steps[step];
        state.StartedAt = started;
        state.StoppedAt = stopped;
        state.Result = result;
        state.LogIndex = logIndex;
        state.LogLength = logLength;
        RunningStep = started is not null && stopped is null ? step : RunningStep;
    }

    /// <summary>Records job outputs; first value wins, as on the server.</summary>
    /// <returns>One message per output refused, for the task log.</returns>
    public List<string> AddOutputs(IEnumerable<KeyValuePair<string, string>> outputs)
    {
        var refused = new List<string>();
        foreach (var (key, value) in outputs)
        {
            if (Encoding.UTF8.GetByteCount(key) > MaxOutputKeyBytes)
            {
                refused.Add($"ignore output because the key is longer than {MaxOutputKeyBytes} bytes: \"{key}\"");
            }
            else if (Encoding.UTF8.GetByteCount(value) is var length && length > MaxOutputValueBytes)
            {
                refused.Add($"ignore output because the value of \"{key}\" has {length} bytes (the maximum is {MaxOutputValueBytes})");
            }
            else if (!_outputKeys.Add(key))
            {
                refused.Add($"ignore output because a value already exists for the key \"{key}\"");
            }
            else
            {
                _unsentOutputs[key] = value;
            }
        }

        return refused;
    }

    /// <summary>Sets the job's result; steps that never finished become cancelled (skipped when the job was).</summary>
    public void Finish(Result result, Timestamp time)
    {
        _state.Result = result;
        _state.StoppedAt = time;
        foreach (var step in _state.Steps.Where(s => s.Result == Result.Unspecified))
        {
            step.Result = result == Result.Skipped ? Result.Skipped : Result.Cancelled;
        }

        RunningStep = null;
    }

    public (TaskState State, Dictionary<string, string> Outputs) Snapshot() =>
        (_state.Clone(), new Dictionary<string, string>(_unsentOutputs, StringComparer.Ordinal));

    /// <summary>Applies <c>sent_outputs</c>: every key the server has stored, from any call.</summary>
    public void AcknowledgeOutputs(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            _unsentOutputs.Remove(key);
        }
    }
}
