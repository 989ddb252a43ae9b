using KubeRunner.Agent.Reporting;
using KubeRunner.Protocol.Executor.V1;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Executors;

/// <summary>
/// Applies an executor's events to the task's reporter and acknowledges each event once the forge has
/// stored what it changed. Executor row <c>r</c> is forge row <c>BaseRow + r</c>: the rows the agent
/// wrote before the executor attached come first, and the agent writes none of its own while the
/// executor runs, so resent rows land on the same index and are recognised as duplicates.
/// </summary>
internal sealed partial class TaskRelay
{
    private readonly Lock _lock = new();
    private readonly TaskReporter _reporter;
    private readonly ILogger _logger;
    private readonly Queue<(ulong NextSeq, long Changes)> _unacknowledged = new();
    private readonly bool _adopted;
    private long? _baseRow;
    private ulong? _expected;
    private bool _restored;

    /// <param name="baseRow">Known when the task is adopted from a previous agent process; else fixed at the first attach.</param>
    public TaskRelay(TaskReporter reporter, ILogger logger, long? baseRow = null)
    {
        _reporter = reporter;
        _logger = logger;
        _baseRow = baseRow;
        _adopted = baseRow is not null;
        reporter.Delivered += OnDelivered;
    }

    /// <summary>Sends an acknowledgement (set by the session).</summary>
    public Action<ulong>? Acknowledge { get; set; }

    /// <summary>Called with the base row once it is fixed, so that it can be kept for a later agent process.</summary>
    public Action<long>? BaseRowFixed { get; set; }

    /// <summary>Called once with the job's result.</summary>
    public Action<JobFinished>? Finished { get; set; }

    public long? BaseRow
    {
        get
        {
            lock (_lock)
            {
                return _baseRow;
            }
        }
    }

    public void OnHello(Hello hello)
    {
        long baseRow;
        bool restore;
        lock (_lock)
        {
            if (_baseRow is null)
            {
                _baseRow = _reporter.RowCount;
                BaseRowFixed?.Invoke(_baseRow.Value);
            }

            baseRow = _baseRow.Value;
            // After a restart this agent knows nothing of the steps; the executor's view is the truth.
            restore = _adopted && !_restored;
            _restored = true;
            _expected ??= restore ? null : 0;
        }

        if (restore)
        {
            foreach (var step in hello.Steps)
            {
                _reporter.RestoreStep(step.Step, step.StartedAt?.ToDateTimeOffset(), step.StoppedAt?.ToDateTimeOffset(),
                    step.Result, baseRow + (long)step.FirstRow, (long)step.RowCount);
            }
        }
    }

    public void Apply(Event e)
    {
        lock (_lock)
        {
            if (_baseRow is null)
            {
                throw new InvalidOperationException("an executor sent an event before its hello");
            }

            if (_expected is { } expected && e.Seq < expected)
            {
                // Sent again after a reconnect; applied already.
                _unacknowledged.Enqueue((expected, _reporter.Changes));
                return;
            }

            if (_expected is { } gapFrom && e.Seq > gapFrom)
            {
                Log.EventGap(_logger, _reporter.TaskId, gapFrom, e.Seq);
            }

            _expected = e.Seq + 1;
            Log.EventApplied(_logger, _reporter.TaskId, e.Seq, e.KindCase, Detail(e));
            ApplyEvent(e, _baseRow.Value);
            _unacknowledged.Enqueue((e.Seq + 1, _reporter.Changes));
        }

        OnDelivered();
    }

    private void ApplyEvent(Event e, long baseRow)
    {
        var time = e.Time?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow;
        switch (e.KindCase)
        {
            case Event.KindOneofCase.Rows:
                var index = baseRow + (long)e.Rows.FirstRow;
                foreach (var row in e.Rows.Rows)
                {
                    if (!_reporter.RelayRow(index++, row.Step >= 0 ? row.Step : null, row.Content, row.Time?.ToDateTimeOffset() ?? time))
                    {
                        Log.RowGap(_logger, _reporter.TaskId, index - 1, _reporter.RowCount);
                    }
                }

                break;
            case Event.KindOneofCase.StepStarted:
                _reporter.StepStarted(e.StepStarted.Step, time);
                break;
            case Event.KindOneofCase.StepFinished:
                _reporter.StepFinished(e.StepFinished.Step, e.StepFinished.Outcome, time);
                break;
            case Event.KindOneofCase.JobOutputs:
                _reporter.SetOutputs(e.JobOutputs.Outputs);
                break;
            case Event.KindOneofCase.JobFinished:
                Finished?.Invoke(e.JobFinished);
                break;
        }
    }

    /// <summary>What a debug line shows of an event: never row contents (they may hold what masks hide).</summary>
    private static string Detail(Event e) => e.KindCase switch
    {
        Event.KindOneofCase.Rows => $"{e.Rows.Rows.Count} from {e.Rows.FirstRow}",
        Event.KindOneofCase.StepStarted => $"step {e.StepStarted.Step}",
        Event.KindOneofCase.StepFinished => $"step {e.StepFinished.Step}: {e.StepFinished.Outcome}/{e.StepFinished.Conclusion}",
        Event.KindOneofCase.JobFinished => e.JobFinished.Result.ToString(),
        _ => "",
    };

    private void OnDelivered()
    {
        var delivered = _reporter.DeliveredChanges;
        ulong? ack = null;
        lock (_lock)
        {
            while (_unacknowledged.TryPeek(out var next) && next.Changes <= delivered)
            {
                ack = _unacknowledged.Dequeue().NextSeq;
            }
        }

        if (ack is { } nextSeq)
        {
            Acknowledge?.Invoke(nextSeq);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.ExecutorEventGap, LogLevel.Warning, "Task {TaskId}: the executor skipped events {Expected} to {Received}")]
        public static partial void EventGap(ILogger logger, long taskId, ulong expected, ulong received);

        [LoggerMessage(Diagnostics.EventIds.ExecutorEventApplied, LogLevel.Debug, "Task {TaskId}: executor event {Seq} ({Kind} {Detail})")]
        public static partial void EventApplied(ILogger logger, long taskId, ulong seq, Event.KindOneofCase kind, string detail);

        [LoggerMessage(Diagnostics.EventIds.ExecutorRowGap, LogLevel.Warning, "Task {TaskId}: executor row for index {Index} leaves a gap after row {Rows}")]
        public static partial void RowGap(ILogger logger, long taskId, long index, long rows);
    }
}
