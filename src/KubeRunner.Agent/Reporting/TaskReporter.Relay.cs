using Google.Protobuf.WellKnownTypes;

namespace KubeRunner.Agent.Reporting;

/// <summary>
/// The side of the reporter that serves an executor's relay (docs/adr/0004-executor-protocol.md): rows
/// the executor already filtered and numbered go in at their own index, and the relay learns which of
/// its changes the forge has stored, so that it acknowledges the executor's events only then.
/// </summary>
internal sealed partial class TaskReporter
{
    /// <summary>Raised (outside the lock) when <see cref="DeliveredChanges"/> grows.</summary>
    public event Action? Delivered;

    /// <summary>Changes made so far: every row, step event and output counts one.</summary>
    public long Changes
    {
        get
        {
            lock (_lock)
            {
                return _changes;
            }
        }
    }

    /// <summary>Changes the forge has stored (rows acknowledged and state accepted); all after completion.</summary>
    public long DeliveredChanges
    {
        get
        {
            lock (_lock)
            {
                return _deliveredChanges;
            }
        }
    }

    /// <summary>Rows the forge has confirmed storing.</summary>
    public long DeliveredRows
    {
        get
        {
            lock (_lock)
            {
                return _log.Acknowledged;
            }
        }
    }

    /// <summary>
    /// Appends a row the executor produced, at absolute index <paramref name="index"/>. Workflow commands
    /// were already handled by the executor, so the row is not filtered again (only masked: the
    /// agent's masks are a second line of defence). A row the log already holds is skipped, which
    /// makes resends after a reconnect harmless.
    /// </summary>
    /// <returns>False when the row left a gap (rows before it were never received), now filled with placeholders.</returns>
    public bool RelayRow(long index, int? step, string content, DateTimeOffset time)
    {
        lock (_lock)
        {
            if (_closed || index < _log.Total)
            {
                return true;
            }

            var complete = index == _log.Total;
            while (index > _log.Total)
            {
                // Rows of the agent's own that an earlier agent process never delivered: keep the numbering.
                _log.Append("⚙️ [runner]: a row was lost when the runner restarted", time);
            }

            var at = _log.Append(content, time);
            if (step is { } s && _progress.IsStep(s))
            {
                _progress.CountRow(s, at);
            }

            _changes++;
            NoteBacklog();
            WakeIfBacklogFull();
            return complete;
        }
    }

    /// <summary>
    /// Continues a task another agent process started: the forge already holds <paramref name="forgeRows"/>
    /// rows, so numbering goes on from there and nothing before is sent again.
    /// </summary>
    public void ResumeAt(long forgeRows)
    {
        lock (_lock)
        {
            _log.ResumeAt(forgeRows);
            NoteBacklog();
        }
    }

    /// <summary>Sets a step's state from an executor's snapshot (after the agent restarted and lost its own).</summary>
    public void RestoreStep(int step, DateTimeOffset? started, DateTimeOffset? stopped, Protocol.Runner.V1.Result result, long logIndex, long logLength)
    {
        lock (_lock)
        {
            if (_progress.IsStep(step))
            {
                _progress.Restore(step, started is { } a ? Timestamp.FromDateTimeOffset(a) : null,
                    stopped is { } b ? Timestamp.FromDateTimeOffset(b) : null, result, logIndex, logLength);
                _changes++;
            }
        }
    }

    private (long Changes, long Rows) Watermark()
    {
        lock (_lock)
        {
            return (_changes, _log.Total);
        }
    }

    private void MarkDelivered(long changes)
    {
        lock (_lock)
        {
            changes = Math.Min(changes, _changes);
            if (changes <= _deliveredChanges)
            {
                return;
            }

            _deliveredChanges = changes;
        }

        Delivered?.Invoke();
    }
}
