using Google.Protobuf.WellKnownTypes;
using KubeRunner.Executor.Transport;
using KubeRunner.Protocol.Executor.V1;
using KubeRunner.Workflow.Logging;
using Result = KubeRunner.Protocol.Runner.V1.Result;

namespace KubeRunner.Executor.Engine;

/// <summary>
/// The job's log and step states as the executor reports them. Every row passes the masker here,
/// the one place where raw output becomes a row: secrets and <c>add-mask</c> values become
/// <c>***</c>, multi-line ones across rows (so rows are held back until no secret can still end in
/// them). Rows are then numbered by the journal; the step snapshots let a restarted agent rebuild
/// what it reports to the forge.
/// </summary>
internal sealed class JobLog
{
    public const int OutsideSteps = -1;

    private readonly Lock _lock = new();
    private readonly EventJournal _journal;
    private readonly TimeProvider _time;
    private readonly SecretMasker _masker = new();
    private readonly List<(PendingRow Row, int Step)> _pending = [];
    private readonly List<PendingRow> _pendingRows = [];
    private readonly SortedDictionary<int, StepSnapshot> _steps = [];

    public JobLog(EventJournal journal, TimeProvider time)
    {
        _journal = journal;
        _time = time;
    }

    /// <summary>Rows numbered so far.</summary>
    public ulong Rows => _journal.Rows;

    public void AddMask(string? value)
    {
        lock (_lock)
        {
            _masker.Add(value);
        }
    }

    /// <summary>A row: a line of a step's output (<paramref name="step"/> ≥ 0) or of the runner's own.</summary>
    public void Row(int step, string text)
    {
        lock (_lock)
        {
            var row = new PendingRow(text, _time.GetUtcNow());
            _pending.Add((row, step));
            _pendingRows.Add(row);
            _masker.MaskSpanEndingAtLast(_pendingRows);
            var keepOpen = _masker.MaxLines - 1;
            if (_pending.Count > keepOpen)
            {
                SealLocked(_pending.Count - keepOpen);
            }
        }
    }

    public void StepStarted(int step)
    {
        lock (_lock)
        {
            SealLocked(_pending.Count);
            var snapshot = Snapshot(step);
            snapshot.StartedAt = Now();
            snapshot.FirstRow = _journal.Rows;
            snapshot.RowCount = 0;
            _journal.Append(new Event { StepStarted = new StepStarted { Step = step, FirstRow = _journal.Rows } });
        }
    }

    public void StepFinished(int step, Result outcome, Result conclusion)
    {
        lock (_lock)
        {
            SealLocked(_pending.Count);
            var snapshot = Snapshot(step);
            snapshot.StartedAt ??= Now();
            snapshot.StoppedAt = Now();
            snapshot.Result = outcome;
            if (snapshot.RowCount == 0)
            {
                snapshot.FirstRow = _journal.Rows;
            }

            _journal.Append(new Event { StepFinished = new StepFinished { Step = step, Outcome = outcome, Conclusion = conclusion, EndRow = _journal.Rows } });
        }
    }

    public void JobOutputs(IEnumerable<KeyValuePair<string, string>> outputs)
    {
        lock (_lock)
        {
            SealLocked(_pending.Count);
            var e = new JobOutputs();
            e.Outputs.Add(outputs.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal));
            _journal.Append(new Event { JobOutputs = e });
        }
    }

    public void JobFinished(Result result, string? message)
    {
        lock (_lock)
        {
            SealLocked(_pending.Count);
            _journal.Append(new Event { JobFinished = new JobFinished { Result = result, Message = message ?? "" } });
            _journal.FlushRows();
        }
    }

    /// <summary>The executor's view for a Hello.</summary>
    public Hello Hello(uint attempt, string version)
    {
        lock (_lock)
        {
            var hello = new Hello
            {
                ExecutorVersion = version,
                Attempt = attempt,
                NextSeq = _journal.NextSeq,
                FirstUnackedSeq = _journal.FirstUnacknowledged,
                Rows = _journal.Rows,
            };
            hello.Steps.AddRange(_steps.Values.Select(s => s.Clone()));
            return hello;
        }
    }

    private Timestamp Now() => Timestamp.FromDateTimeOffset(_time.GetUtcNow());

    private StepSnapshot Snapshot(int step)
    {
        if (!_steps.TryGetValue(step, out var snapshot))
        {
            snapshot = new StepSnapshot { Step = step };
            _steps[step] = snapshot;
        }

        return snapshot;
    }

    private void SealLocked(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (row, step) = _pending[i];
            var index = _journal.AppendRow(step, _masker.MaskRow(row.Content));
            if (step >= 0)
            {
                var snapshot = Snapshot(step);
                if (snapshot.RowCount == 0)
                {
                    snapshot.FirstRow = index;
                }

                snapshot.RowCount++;
            }
        }

        _pending.RemoveRange(0, count);
        _pendingRows.RemoveRange(0, count);
    }
}
