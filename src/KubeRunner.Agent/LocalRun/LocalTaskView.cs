using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.LocalRun;

/// <summary>
/// One local task as the console shows it: rows in order, with a header where a step starts and a
/// line where it ends. Rows arrive before the state that places them in steps (the reporter sends
/// UpdateLog, then UpdateTask), so rows are printed when a state arrives, up to where it says.
/// Not thread-safe: <see cref="ConsoleRunnerService"/> locks around it.
/// </summary>
internal sealed class LocalTaskView(string prefix, IReadOnlyList<string> stepNames, TextWriter output)
{
    private readonly List<string> _rows = [];
    private readonly bool[] _started = new bool[stepNames.Count];
    private readonly bool[] _ended = new bool[stepNames.Count];
    private int _printed;

    public Dictionary<string, string> Outputs { get; } = new(StringComparer.Ordinal);

    /// <summary>The job's result once the final state arrived; Unspecified before.</summary>
    public Result Result { get; private set; }

    /// <returns>The acknowledged index: every row up to it is stored.</returns>
    public long AddRows(long index, IEnumerable<string> rows)
    {
        // A resent batch starts at or before what is stored; only its new rows count.
        var skip = _rows.Count - index;
        if (skip >= 0)
        {
            _rows.AddRange(rows.Skip((int)skip));
        }

        return _rows.Count;
    }

    public void Update(TaskState state, IEnumerable<KeyValuePair<string, string>> outputs)
    {
        foreach (var (key, value) in outputs)
        {
            Outputs.TryAdd(key, value);
        }

        while (true)
        {
            Announce(state, _printed);
            if (_printed == _rows.Count)
            {
                break;
            }

            Print(_rows[_printed++]);
        }

        Result = state.Result;
        output.Flush();
    }

    /// <summary>Prints the starts and ends of steps that fall at row <paramref name="row"/>.</summary>
    private void Announce(TaskState state, long row)
    {
        foreach (var step in state.Steps.Where(s => s.Id >= 0 && s.Id < _started.Length))
        {
            var id = (int)step.Id;
            var name = stepNames[id];
            if (!_started[id] && step.StartedAt is not null && step.LogIndex <= row)
            {
                _started[id] = true;
                // A skipped step never ran: its end line says so, a start header would mislead.
                if (step.Result != Result.Skipped)
                {
                    Print($"⭐ {name}");
                }
            }

            if (_started[id] && !_ended[id] && step.Result != Result.Unspecified && step.LogIndex + step.LogLength <= row)
            {
                _ended[id] = true;
                Print(step.Result switch
                {
                    Result.Success => $"✅ {name}: success",
                    Result.Skipped => $"⏭ {name}: skipped",
                    Result.Cancelled => $"❌ {name}: cancelled",
                    _ => $"❌ {name}: failure",
                });
            }
        }
    }

    private void Print(string line) => output.WriteLine($"[{prefix}] {line}");
}
