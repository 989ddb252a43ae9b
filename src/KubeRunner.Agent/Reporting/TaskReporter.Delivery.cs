using KubeRunner.Agent.Forge;
using KubeRunner.Agent.Forge.Connect;
using KubeRunner.Protocol.Runner.V1;

namespace KubeRunner.Agent.Reporting;

/// <summary>The delivery side of the reporter: report cycles, acknowledgements and the close sequence.</summary>
internal sealed partial class TaskReporter
{
    private bool BacklogIsFull() =>
        _log.UnsentSealedRows >= _options.MaxRowsPerRequest || _log.UnsentSealedBytes >= _options.MaxBytesPerRequest;

    private async Task RunCyclesAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await WaitForCycleAsync(cancellationToken);
                var (changes, rows) = Watermark();
                // Drain a large backlog in full batches without waiting, then report the state.
                while (await SendLogBatchAsync(noMore: false, cancellationToken) && IsBacklogFull())
                {
                }

                await SendStateAsync(cancellationToken);
                NoteSuccess();
                if (DeliveredRows >= rows)
                {
                    MarkDelivered(changes);
                }
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
            var (before, bytesBefore) = (_log.Acknowledged, _log.AcknowledgedBytes);
            switch (_log.Acknowledge(response.AckIndex))
            {
                case AckOutcome.Backwards:
                    AgentLog.AckBackwards(_logger, TaskId, response.AckIndex, before);
                    break;
                case AckOutcome.BeyondSent:
                    AgentLog.AckBeyondSent(_logger, TaskId, response.AckIndex, index + rows.Count);
                    break;
            }

            _metrics.LogRowsSent(_log.Acknowledged - before, _log.AcknowledgedBytes - bytesBefore);
            NoteBacklog();
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
                if (ForgeErrors.Is(e, ConnectCode.AlreadyExists))
                {
                    // The forge archived the log: the report was finished before, by an earlier agent process
                    // killed before it could forget the task. Nothing is wrong with the job.
                    AgentLog.FinalLogAlreadyClosed(_logger, TaskId, reason);
                    return false;
                }

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
