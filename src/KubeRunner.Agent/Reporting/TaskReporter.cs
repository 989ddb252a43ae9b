using Google.Protobuf.WellKnownTypes;
using KubeRunner.Agent.Diagnostics;
using KubeRunner.Agent.Forge;
using KubeRunner.Protocol.Runner.V1;
using KubeRunner.Workflow.Logging;
using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Reporting;

/// <summary>
/// Carries one task's log and state to Forgejo (forgejo-protocol.md §5.5). Everything a task shows
/// passes <see cref="Log"/>/<see cref="StepLog"/>, where the one masking chokepoint is: rows are
/// filtered for workflow commands, masked, numbered and batched. Every <c>report_interval</c> a cycle
/// sends the unacknowledged rows (UpdateLog), then the state (UpdateTask), whose answer also tells
/// whether the forge cancelled the task. <see cref="CompleteAsync"/> closes: all remaining rows with
/// <c>no_more</c>, then the final state, each retried with backoff.
/// </summary>
internal sealed partial class TaskReporter : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly IRunnerService _forge;
    private readonly ReporterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AgentMetrics _metrics;
    private readonly SecretMasker _masker = new();
    private readonly LogCommandFilter _filter;
    private readonly TaskLog _log;
    private readonly TaskProgress _progress;
    private readonly CancellationTokenSource _serverStop = new();
    private readonly CancellationTokenSource _stopCycles = new();
    private TaskCompletionSource _wake = NewSignal();
    private Task _cycles = Task.CompletedTask;
    private bool _closed;
    private int _failures;
    private long _changes;
    private long _deliveredChanges;
    private long _backlogShown;

    public TaskReporter(long taskId, int stepCount, IEnumerable<string> secrets, bool showDebug,
        IRunnerService forge, ReporterOptions options, TimeProvider time, ILogger logger, AgentMetrics? metrics = null)
    {
        TaskId = taskId;
        _forge = forge;
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics ?? AgentMetrics.Unobserved;
        foreach (var secret in secrets)
        {
            _masker.Add(secret);
        }

        _filter = new LogCommandFilter(_masker, showDebug);
        _log = new TaskLog(_masker, options.MaxRowLength);
        _progress = new TaskProgress(taskId, stepCount, Timestamp.FromDateTimeOffset(time.GetUtcNow()));
    }

    public long TaskId { get; }

    /// <summary>Cancelled when the forge answers that the task was cancelled or failed on its side.</summary>
    public CancellationToken ServerStop => _serverStop.Token;

    /// <summary>The result the forge reported when it stopped the task.</summary>
    public Result? ServerResult { get; private set; }

    public int StepCount => _progress.StepCount;

    /// <summary>Rows produced so far (what Forgejo will have once all is delivered).</summary>
    public long RowCount
    {
        get
        {
            lock (_lock)
            {
                return _log.Total;
            }
        }
    }

    /// <summary>Starts the report cycles.</summary>
    public void Start() => _cycles = Task.Run(() => RunCyclesAsync(_stopCycles.Token));

    /// <summary>A row of the runner's own: before the first step ("Set up job"), in the running step, or after the last.</summary>
    public void Log(string text) => Append(text, _time.GetUtcNow(), step: null);

    /// <summary>A row of a step's output.</summary>
    public void StepLog(int step, string text, DateTimeOffset time) => Append(text, time, step);

    public void StepStarted(int step, DateTimeOffset time)
    {
        lock (_lock)
        {
            if (!_closed && _progress.IsStep(step))
            {
                _progress.StepStarted(step, Timestamp.FromDateTimeOffset(time), _log.Total);
                _changes++;
            }
            else
            {
                AgentLog.StepEventIgnored(_logger, TaskId, step, _progress.StepCount, _closed);
            }
        }
    }

    public void StepFinished(int step, Result result, DateTimeOffset time)
    {
        lock (_lock)
        {
            if (!_closed && _progress.IsStep(step))
            {
                _progress.StepFinished(step, result, Timestamp.FromDateTimeOffset(time), _log.Total);
                _changes++;
            }
            else
            {
                AgentLog.StepEventIgnored(_logger, TaskId, step, _progress.StepCount, _closed);
            }
        }
    }

    /// <summary>Masks <paramref name="value"/> in every row not yet sealed and every later row.</summary>
    public void AddMask(string value)
    {
        lock (_lock)
        {
            _masker.Add(value);
        }
    }

    /// <summary>Records job outputs; refused ones are explained in the task log.</summary>
    public void SetOutputs(IReadOnlyDictionary<string, string> outputs)
    {
        List<string> refused;
        lock (_lock)
        {
            refused = _progress.AddOutputs(outputs);
            _changes++;
        }

        foreach (var message in refused)
        {
            Log(message);
        }
    }

    /// <summary>
    /// Ends the task: optional last words, a closing row, the result; then delivers every remaining
    /// row (the last batch with <c>no_more</c>) and only then the final state, each with retries.
    /// The final state is sent even when the rows could not all be delivered, so that no task is
    /// left running on the forge.
    /// </summary>
    /// <returns>True when Forgejo acknowledged every row and the final state.</returns>
    public async Task<bool> CompleteAsync(Result result, string? lastWords, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }
        }

        if (!string.IsNullOrEmpty(lastWords))
        {
            Log(lastWords);
        }

        Log(ClosingRow(result));
        lock (_lock)
        {
            _closed = true;
            _progress.Finish(result, Timestamp.FromDateTimeOffset(_time.GetUtcNow()));
            _log.SealAll();
        }

        _metrics.TaskFinished(result);

        await StopCyclesAsync();
        var logsDelivered = await RetryAsync("log rows", SendFinalLogsAsync, cancellationToken);
        var stateDelivered = await RetryAsync("state", SendFinalStateAsync, cancellationToken);
        if (logsDelivered && stateDelivered)
        {
            MarkDelivered(long.MaxValue);
        }

        return logsDelivered && stateDelivered;
    }

    public async ValueTask DisposeAsync()
    {
        await StopCyclesAsync();
        lock (_lock)
        {
            // Rows the forge never confirmed leave the backlog with the task.
            _metrics.BacklogChanged(-_backlogShown);
            _backlogShown = 0;
        }

        _serverStop.Dispose();
        _stopCycles.Dispose();
    }

    private static string ClosingRow(Result result) => result switch
    {
        Result.Success => "🏁 Job succeeded",
        Result.Cancelled => "🏁 Job cancelled",
        Result.Skipped => "🏁 Job skipped",
        _ => "🏁 Job failed",
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Append(string text, DateTimeOffset time, int? step)
    {
        lock (_lock)
        {
            if (_closed)
            {
                AgentLog.RowAfterClose(_logger, TaskId);
                return;
            }

            step = step is { } s && _progress.IsStep(s) ? s : _progress.RunningStep;
            // One row per line; the line terminators at the end make no row of their own.
            foreach (var line in text.TrimEnd('\r', '\n').Split('\n'))
            {
                if (_filter.Filter(line.TrimEnd('\r')) is { } shown)
                {
                    var index = _log.Append(shown, time);
                    if (step is { } counted)
                    {
                        _progress.CountRow(counted, index);
                    }
                }
            }

            _changes++;
            NoteBacklog();
            WakeIfBacklogFull();
        }
    }

    /// <summary>Brings <c>kube_runner_reporter_backlog_rows</c> up to date with this log; call under the lock.</summary>
    private void NoteBacklog()
    {
        var backlog = _log.Total - _log.Acknowledged;
        _metrics.BacklogChanged(backlog - _backlogShown);
        _backlogShown = backlog;
    }

    private void WakeIfBacklogFull()
    {
        if (BacklogIsFull())
        {
            _wake.TrySetResult();
        }
    }
}
