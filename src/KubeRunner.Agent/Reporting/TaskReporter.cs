using Google.Protobuf.WellKnownTypes;
using KubeRunner.Agent.Forge;
using KubeRunner.Protocol.Runner.V1;
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

    public TaskReporter(long taskId, int stepCount, IEnumerable<string> secrets, bool showDebug,
        IRunnerService forge, ReporterOptions options, TimeProvider time, ILogger logger)
    {
        TaskId = taskId;
        _forge = forge;
        _options = options;
        _time = time;
        _logger = logger;
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

        await StopCyclesAsync();
        var logsDelivered = await RetryAsync("log rows", SendFinalLogsAsync, cancellationToken);
        var stateDelivered = await RetryAsync("state", SendFinalStateAsync, cancellationToken);
        return logsDelivered && stateDelivered;
    }

    public async ValueTask DisposeAsync()
    {
        await StopCyclesAsync();
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
        var timestamp = Timestamp.FromDateTimeOffset(time);
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
                    var index = _log.Append(shown, timestamp);
                    if (step is { } counted)
                    {
                        _progress.CountRow(counted, index);
                    }
                }
            }

            if (BacklogIsFull())
            {
                _wake.TrySetResult();
            }
        }
    }

    private bool BacklogIsFull() =>
        _log.UnsentSealedRows >= _options.MaxRowsPerRequest || _log.UnsentSealedBytes >= _options.MaxBytesPerRequest;

    private async Task RunCyclesAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await WaitForCycleAsync(cancellationToken);
                // Drain a large backlog in full batches without waiting, then report the state.
                while (await SendLogBatchAsync(noMore: false, cancellationToken) && IsBacklogFull())
                {
                }

                await SendStateAsync(cancellationToken);
                NoteSuccess();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next cycle sends the same rows again from the last acknowledged index.
                NoteFailure(e);
            }
        }
    }

    private bool IsBacklogFull()
    {
        lock (_lock)
        {
            return BacklogIsFull();
        }
    }

    private async Task WaitForCycleAsync(CancellationToken cancellationToken)
    {
        Task wake;
        lock (_lock)
        {
            if (BacklogIsFull())
            {
                return;
            }

            wake = _wake.Task;
        }

        using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(Task.Delay(_options.ReportInterval, _time, delay.Token), wake);
        await delay.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_wake.Task.IsCompleted)
            {
                _wake = NewSignal();
            }
        }
    }

    /// <returns>True when the forge confirmed more rows than before.</returns>
    private async Task<bool> SendLogBatchAsync(bool noMore, CancellationToken cancellationToken)
    {
        long index;
        List<LogRow> rows;
        bool last;
        lock (_lock)
        {
            (index, rows) = _log.NextBatch(_options.MaxRowsPerRequest, _options.MaxBytesPerRequest);
            last = index + rows.Count == _log.SealedEnd;
        }

        if (rows.Count == 0)
        {
            return false;
        }

        var request = new UpdateLogRequest { TaskId = TaskId, Index = index, NoMore = noMore && last };
        request.Rows.AddRange(rows);
        var response = await _forge.UpdateLogAsync(request, cancellationToken);
        lock (_lock)
        {
            var before = _log.Acknowledged;
            switch (_log.Acknowledge(response.AckIndex))
            {
                case AckOutcome.Backwards:
                    AgentLog.AckBackwards(_logger, TaskId, response.AckIndex, before);
                    break;
                case AckOutcome.BeyondSent:
                    AgentLog.AckBeyondSent(_logger, TaskId, response.AckIndex, index + rows.Count);
                    break;
            }

            return _log.Acknowledged > before;
        }
    }

    private async Task SendStateAsync(CancellationToken cancellationToken)
    {
        TaskState state;
        Dictionary<string, string> outputs;
        lock (_lock)
        {
            (state, outputs) = _progress.Snapshot();
        }

        var request = new UpdateTaskRequest { State = state };
        request.Outputs.Add(outputs);
        var response = await _forge.UpdateTaskAsync(request, cancellationToken);
        lock (_lock)
        {
            _progress.AcknowledgeOutputs(response.SentOutputs);
        }

        // Cancellation reaches a runner only through this answer (§3.11); FAILURE is the zombie sweep's verdict.
        if (response.State?.Result is Result.Cancelled or Result.Failure && ServerResult is null)
        {
            ServerResult = response.State.Result;
            AgentLog.ServerStoppedTask(_logger, TaskId, response.State.Result);
            await _serverStop.CancelAsync();
        }
    }

    private async Task<bool> SendFinalLogsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_lock)
            {
                if (_log.UnsentSealedRows == 0)
                {
                    return true;
                }
            }

            if (!await SendLogBatchAsync(noMore: true, cancellationToken))
            {
                return false;
            }
        }
    }

    private async Task<bool> SendFinalStateAsync(CancellationToken cancellationToken)
    {
        await SendStateAsync(cancellationToken);
        lock (_lock)
        {
            // The forge must have stored every output before the task may count as reported.
            return !_progress.HasUnsentOutputs;
        }
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> until it reports completion, counting consecutive attempts that
    /// fail or make no progress against <c>report_retry.max_retries</c>. Answers that cannot change on
    /// retry (a refused runner, archived logs) end it at once.
    /// </summary>
    private async Task<bool> RetryAsync(string part, Func<CancellationToken, Task<bool>> attempt, CancellationToken cancellationToken)
    {
        for (var failures = 1; ; failures++)
        {
            string reason;
            try
            {
                if (await attempt(cancellationToken))
                {
                    return true;
                }

                reason = "the forge did not take everything yet";
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                reason = e.Message;
                if (!ForgeErrors.IsTransient(e))
                {
                    AgentLog.FinalReportGaveUp(_logger, TaskId, part, reason);
                    return false;
                }
            }

            if (failures >= _options.MaxRetries)
            {
                AgentLog.FinalReportGaveUp(_logger, TaskId, part, $"{failures} attempts failed, the last with: {reason}");
                return false;
            }

            AgentLog.FinalReportFailed(_logger, TaskId, part, failures, _options.MaxRetries, reason);
            await Task.Delay(RetryBackoff.Delay(failures, _options.InitialRetryDelay, _options.MaxRetryDelay), _time, cancellationToken);
        }
    }

    private async Task StopCyclesAsync()
    {
        if (!_stopCycles.IsCancellationRequested)
        {
            await _stopCycles.CancelAsync();
        }

        await _cycles;
    }

    private void NoteSuccess()
    {
        if (_failures > 0)
        {
            AgentLog.ReportRecovered(_logger, TaskId, _failures);
            _failures = 0;
        }
    }

    private void NoteFailure(Exception e)
    {
        if (_failures++ == 0)
        {
            AgentLog.ReportFailed(_logger, TaskId, e.Message);
        }
    }
}
