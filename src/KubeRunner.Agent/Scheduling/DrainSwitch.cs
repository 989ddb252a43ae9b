using Microsoft.Extensions.Logging;

namespace KubeRunner.Agent.Scheduling;

/// <summary>
/// <c>kube-runner drain</c>: the agent stops taking jobs and says so in its heartbeat, so that its standby
/// takes the next job at once. Running jobs go on; <c>--undo</c> resumes. Not kept across restarts:
/// a restarted agent takes jobs.
/// </summary>
internal sealed partial class DrainSwitch(ILogger<DrainSwitch> logger)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();
    private TaskCompletionSource? _fetchesEnded;
    private int _fetching;

    public bool Draining { get; private set; }

    /// <summary>Completes at the next change.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>
    /// Drains (or resumes); a drain completes once no FetchTask is on its way, so that when
    /// <c>kube-runner drain</c> returns no job can reach this agent any more.
    /// </summary>
    public Task SetAsync(bool draining)
    {
        Set(draining);
        lock (_gate)
        {
            if (!draining || _fetching == 0)
            {
                return Task.CompletedTask;
            }

            _fetchesEnded ??= NewSignal();
            return _fetchesEnded.Task;
        }
    }

    /// <summary>The poller is about to call FetchTask: false when draining (then it must not).</summary>
    public bool TryBeginFetch()
    {
        lock (_gate)
        {
            if (Draining)
            {
                return false;
            }

            _fetching++;
            return true;
        }
    }

    /// <summary>The FetchTask begun with <see cref="TryBeginFetch"/> ended.</summary>
    public void EndFetch()
    {
        TaskCompletionSource? ended = null;
        lock (_gate)
        {
            if (--_fetching == 0)
            {
                (ended, _fetchesEnded) = (_fetchesEnded, null);
            }
        }

        ended?.TrySetResult();
    }

    public void Set(bool draining)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            if (Draining == draining)
            {
                return;
            }

            Draining = draining;
            previous = _changed;
            _changed = NewSignal();
        }

        if (draining)
        {
            Log.Draining(logger);
        }
        else
        {
            Log.Resumed(logger);
        }

        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.Draining, LogLevel.Warning, "Draining: taking no new job; running jobs go on (kube-runner drain --undo resumes)")]
        public static partial void Draining(ILogger logger);

        [LoggerMessage(Diagnostics.EventIds.DrainResumed, LogLevel.Information, "No longer draining: taking jobs again")]
        public static partial void Resumed(ILogger logger);
    }
}

/// <summary>A primary's gate: open unless the agent drains.</summary>
internal sealed class DrainGate(DrainSwitch drain) : IFetchGate
{
    public async ValueTask<FetchPermit> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = drain.Changed;
            if (!drain.Draining)
            {
                return FetchPermit.Ordinary;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public void Completed(FetchPermit permit, FetchOutcome outcome)
    {
    }
}
